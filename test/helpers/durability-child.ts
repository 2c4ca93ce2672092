// Spawned by durability.test.ts: commits load balancers in a loop on the SQLite store at argv[2]
// and acknowledges each commit on stdout only after transaction() resolved, until it is killed.

import { randomUUID } from 'node:crypto';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: durability-child.ts DB_PATH');
const store = await openSqliteStore({ path });
for (;;) {
  const id = randomUUID();
  const now = new Date().toISOString();
  const { revision } = await store.transaction((tx) =>
    tx.insert('loadbalancer', {
      id, project_id: 'p', created_at: now, updated_at: null, tags: [],
      name: id, description: '', admin_state_up: true, type: 'standard', vip_address: '127.0.0.1', vip_port_id: null,
      vip_subnet_id: null, vip_network_id: null, vip_qos_policy_id: null, provider: 'elbow', flavor_id: null,
      availability_zone: null, listeners: [], pools: [],
    }),
  );
  // stdout to a pipe is synchronous on Linux: the line is out before the next commit starts.
  process.stdout.write(`committed ${revision} ${id}\n`);
}
