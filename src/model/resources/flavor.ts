// Flavors (Octavia v2, admin): named sets of load balancer settings, from a flavor profile. A load
// balancer's flavor_id names one; a disabled flavor takes no new load balancers.

import { HumanText, Id, LABEL, adminStateUpField, defineResource, descriptionField } from './field.js';

export const FLAVOR = defineResource({
  kind: 'flavor',
  title: 'flavor',
  collectionPath: 'flavors',
  singular: 'flavor',
  plural: 'flavors',
  hasStatus: false,
  snapshotPart: 'listeners[]',
  cli: { description: 'flavors: named listener defaults load balancers choose with flavor_id', columns: ['name', 'flavor_profile_id', 'enabled'] },
  fields: {
    name: { schema: HumanText({ minLength: 1, maxLength: 255 }), create: 'required', doc: 'Name (unique among flavors)', ignored: LABEL },
    description: descriptionField,
    enabled: {
      ...adminStateUpField,
      doc: 'Whether new load balancers may use it (those using it keep it)',
      ignored: 'a control-plane rule: a disabled flavor takes no new load balancers',
    },
    flavor_profile_id: {
      schema: Id,
      create: 'required',
      update: 'no',
      ref: 'flavorprofile',
      doc: 'The flavor profile whose flavor_data it gives',
      snapshot: { path: 'connectionLimit', via: "its profile's flavor_data, the defaults of the listeners of its load balancers" },
    },
  },
});
