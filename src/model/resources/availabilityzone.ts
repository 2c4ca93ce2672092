// Availability zones (Octavia v2, admin): named by their name, which is also their id; a load
// balancer's availability_zone names one. A disabled zone takes no new load balancers.

import { Type } from '@sinclair/typebox';
import { Id, adminStateUpField, defineResource, descriptionField } from './field.js';

export const AVAILABILITYZONE = defineResource({
  kind: 'availabilityzone',
  title: 'availability zone',
  collectionPath: 'availabilityzones',
  singular: 'availability_zone',
  plural: 'availability_zones',
  hasStatus: false,
  snapshotPart: '',
  cli: { description: 'availability zones: where load balancers go (availability_zone)', alias: 'az', columns: ['name', 'availability_zone_profile_id', 'enabled'] },
  fields: {
    name: {
      schema: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/?#%\\u0000-\\u001f\\u007f-\\u009f]+$' }),
      create: 'required',
      update: 'no',
      doc: 'Name, also its id in the URL (/availabilityzones/{name})',
      example: 'zone-a',
      ignored: 'its key: load balancers name it in availability_zone',
    },
    description: descriptionField,
    enabled: {
      ...adminStateUpField,
      doc: 'Whether new load balancers may use it (those in it stay)',
      ignored: 'a control-plane rule: a disabled zone takes no new load balancers',
    },
    availability_zone_profile_id: {
      schema: Id,
      create: 'required',
      update: 'no',
      ref: 'availabilityzoneprofile',
      doc: 'The availability zone profile whose availability_zone_data it gives',
      ignored: "a control-plane setting: its profile's vip_range is where the zone's VIPs are allocated",
    },
  },
});
