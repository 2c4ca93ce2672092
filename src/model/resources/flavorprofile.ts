// Flavor profiles (Octavia v2, admin): what a flavor means to the provider. In elbow, flavor_data
// sets the defaults of the listeners of load balancers of flavors using it (model/flavor-data.ts).

import { Type } from '@sinclair/typebox';
import { HumanText, LABEL, defineResource } from './field.js';

/** Octavia's provider_name: elbow is the one provider (aliases octavia and amphora). */
export const PROVIDER_LABEL = 'elbow is the only provider (octavia and amphora are accepted as its aliases): checked, nothing else depends on it';

export const FLAVORPROFILE = defineResource({
  kind: 'flavorprofile',
  title: 'flavor profile',
  collectionPath: 'flavorprofiles',
  singular: 'flavorprofile',
  plural: 'flavorprofiles',
  hasStatus: false,
  snapshotPart: 'listeners[]',
  cli: { description: "flavor profiles: listener defaults (flavor_data) that flavors give their load balancers", columns: ['name', 'provider_name', 'flavor_data'] },
  fields: {
    name: { schema: HumanText({ minLength: 1, maxLength: 255 }), create: 'required', doc: 'Human-readable name', ignored: LABEL },
    provider_name: {
      schema: Type.String({ minLength: 1, maxLength: 255 }),
      create: 'required',
      doc: 'The provider it is for: elbow (or its aliases octavia, amphora)',
      example: 'elbow',
      ignored: PROVIDER_LABEL,
    },
    flavor_data: {
      schema: Type.String({ maxLength: 4096 }),
      create: 'required',
      doc:
        'A JSON object (as a string) of defaults for the listeners of load balancers of its flavors: connection_limit, timeout_client_data, timeout_member_connect, timeout_member_data, timeout_http_keep_alive, tls_ciphers, tls_versions. A listener field left at its default takes the flavor\'s value. Fixed while a flavor uses the profile',
      example: '{"connection_limit": 1000, "timeout_client_data": 30000, "tls_versions": ["TLSv1.3"]}',
      snapshot: { path: 'connectionLimit', via: "the listeners of load balancers of flavors using it, where they keep elbow's default (and the other keys likewise)" },
    },
  },
});
