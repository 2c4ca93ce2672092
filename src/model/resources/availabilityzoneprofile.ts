// Availability zone profiles (Octavia v2, admin): what a zone means to the provider. In elbow,
// availability_zone_data may give the zone's VIP range (model/zone-data.ts).

import { Type } from '@sinclair/typebox';
import { HumanText, LABEL, defineResource } from './field.js';
import { PROVIDER_LABEL } from './flavorprofile.js';

export const AVAILABILITYZONEPROFILE = defineResource({
  kind: 'availabilityzoneprofile',
  title: 'availability zone profile',
  collectionPath: 'availabilityzoneprofiles',
  singular: 'availability_zone_profile',
  plural: 'availability_zone_profiles',
  hasStatus: false,
  snapshotPart: '',
  cli: { description: 'availability zone profiles: what a zone means (availability_zone_data)', alias: 'azprofile', columns: ['name', 'provider_name', 'availability_zone_data'] },
  fields: {
    name: { schema: HumanText({ minLength: 1, maxLength: 255 }), create: 'required', doc: 'Human-readable name', ignored: LABEL },
    provider_name: {
      schema: Type.String({ minLength: 1, maxLength: 255 }),
      create: 'required',
      doc: 'The provider it is for: elbow (or its aliases octavia, amphora)',
      example: 'elbow',
      ignored: PROVIDER_LABEL,
    },
    availability_zone_data: {
      schema: Type.String({ maxLength: 4096 }),
      create: 'required',
      doc: 'A JSON object (as a string); elbow honours vip_range: "first-last" IPv4 addresses the VIPs of the zone\'s load balancers are allocated from',
      example: '{"vip_range": "127.0.5.1-127.0.5.254"}',
      ignored: "a control-plane setting: where the zone's VIPs are allocated; the data plane binds the VIP it is given",
    },
  },
});
