// IP address groups (Huawei ELB extension): addresses and CIDRs a listener white- or black-lists.

import { Type } from '@sinclair/typebox';
import { HumanText, LABEL, defineResource, descriptionField, nameField, relation, tagsField } from './field.js';

const Entry = Type.Object({ ip: Type.String({ minLength: 1, maxLength: 64 }), description: HumanText({ maxLength: 255 }) });
const EntryBody = Type.Object({ ip: Entry.properties.ip, description: Type.Optional(Entry.properties.description) }, { additionalProperties: false });

export const IPGROUP = defineResource({
  kind: 'ipgroup',
  title: 'IP address group (Huawei ELB extension)',
  collectionPath: 'ipgroups',
  singular: 'ipgroup',
  plural: 'ipgroups',
  hasStatus: false,
  snapshotPart: 'listeners[].accessControl.ipGroup',
  cli: { description: 'IP address groups: white and black lists for listeners', columns: ['name', 'ip_list'] },
  fields: {
    name: { ...nameField, ignored: LABEL },
    description: descriptionField,
    ip_list: {
      schema: Type.Array(Entry),
      input: Type.Array(EntryBody),
      create: 'required',
      cli: { type: 'iplist' },
      doc: 'Addresses and CIDRs, [{"ip": "192.0.2.0/24", "description": "office"}] (description defaults to "")',
      example: [{ ip: '198.51.100.0/24', description: 'vpn' }],
      snapshot: { path: 'cidrs', via: 'the addresses, for the listeners using the group' },
    },
    tags: tagsField,
    listeners: relation('Listeners using it'),
  },
});
