// Members (backend servers) of a pool: an address and a port, weighted.

import { Type } from '@sinclair/typebox';
import { LABEL, Nullable, Port, Ref, adminStateUpField, defineResource, nameField, output, tagsField } from './field.js';

export const MEMBER = defineResource({
  kind: 'member',
  title: 'member (backend server)',
  collectionPath: 'pools/:pool_id/members',
  singular: 'member',
  plural: 'members',
  parent: { kind: 'pool', field: 'pool_id' },
  hasStatus: true,
  snapshotPart: 'pools{}.members[]',
  cli: { description: 'members: the backend servers of a pool', columns: ['name', 'address', 'protocol_port', 'weight'] },
  fields: {
    name: { ...nameField, snapshot: 'name' },
    admin_state_up: { ...adminStateUpField, doc: 'Administrative state: false takes no new connections, open ones finish', snapshot: 'enabled' },
    weight: { schema: Type.Integer({ minimum: 0, maximum: 256 }), default: 1, doc: 'Share of new connections, 0-256 (0: none)', snapshot: 'weight' },
    backup: { schema: Type.Boolean(), default: false, doc: 'Used only when every other member is down', snapshot: 'backup' },
    monitor_address: {
      schema: Nullable(Type.String({ maxLength: 64 })),
      default: null,
      doc: 'Address health checks probe; null = address',
      example: '192.0.2.20',
      snapshot: { path: 'monitorAddress', via: 'null → address' },
    },
    monitor_port: { schema: Nullable(Port), default: null, doc: 'Port health checks probe; null = protocol_port', example: 8081, snapshot: { path: 'monitorPort', via: 'null → protocol_port' } },
    tags: tagsField,
    address: {
      schema: Type.String({ maxLength: 64 }),
      create: 'required',
      update: 'fixed',
      doc: 'IP address of the backend server',
      example: '192.0.2.10',
      snapshot: 'address',
    },
    protocol_port: {
      schema: Port,
      update: 'fixed',
      defaultDoc: '80 for members of HTTP pools; required otherwise',
      doc: 'Port of the backend server (members may share ports)',
      example: 8080,
      snapshot: 'port',
    },
    subnet_id: { schema: Ref, default: null, update: 'fixed', doc: 'Subnet id', ignored: `elbow has no networks: ${LABEL}` },
    pool_id: output(Type.String(), 'The pool it belongs to (from the URL)'),
  },
});
