// Amphorae are the elbow nodes serving each load balancer (one entry per node and load balancer,
// from the node directory) and failover has those nodes apply the load balancer afresh.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ElbowNode, NodeDirectory } from '../../../src/control/node-directory.js';
import { localNodeDirectory, thisNode } from '../../../src/control/node-directory.js';
import { RuntimeView } from '../../../src/snapshot/runtime-view.js';
import type { ListenerStats } from '../../../src/snapshot/snapshot.js';
import { listener, loadBalancer } from './fixtures.js';
import { codeOf, controlPlaneFor } from './setup.js';

/** Two nodes, the second one down; records the failovers asked of each. */
function twoNodes(): { directory: NodeDirectory; reapplied: string[] } {
  const nodes: ElbowNode[] = [thisNode({ id: 'node-a', address: '10.9.0.1' }), thisNode({ id: 'node-b', address: '10.9.0.2', status: 'OFFLINE', availabilityZone: 'zone-b' })];
  const reapplied: string[] = [];
  return {
    reapplied,
    directory: {
      nodesServing: async () => nodes,
      reapply: async (node, loadBalancerId) => {
        reapplied.push(`${node.id}/${loadBalancerId}`);
      },
    },
  };
}

test('amphorae: one per node and load balancer, with stable ids, addresses and status; filters, show and stats', async (t) => {
  const { directory } = twoNodes();
  let counters: Record<string, ListenerStats> = {};
  const runtime = new RuntimeView();
  const { control } = await controlPlaneFor(t, { nodes: directory, runtime, stats: async () => counters });
  assert.deepEqual(await control.listAmphorae({ query: {} }), []);
  const lb = await loadBalancer(control, { vip_address: '127.0.0.40' });
  const other = await loadBalancer(control, { vip_address: '127.0.0.41' });
  const l = await listener(control, lb.id, 'TCP', 80);

  const all = await control.listAmphorae({ query: {} });
  assert.equal(all.length, 4);
  assert.equal(new Set(all.map((a) => a.id)).size, 4, 'distinct ids');
  assert.deepEqual((await control.listAmphorae({ query: {} })).map((a) => a.id), all.map((a) => a.id), 'stable ids');
  const mine = await control.listAmphorae({ query: { loadbalancer_id: lb.id } });
  assert.deepEqual(mine.map((a) => [a.compute_id, a.lb_network_ip, a.ha_ip, a.status, a.role, a.cached_zone]), [
    ['node-a', '10.9.0.1', '127.0.0.40', 'ALLOCATED', 'STANDALONE', null],
    ['node-b', '10.9.0.2', '127.0.0.40', 'ERROR', 'STANDALONE', 'zone-b'],
  ]);
  assert.match(String(mine[0]?.id), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual((await control.listAmphorae({ query: { status: 'ERROR', sort: 'ha_ip:desc' } })).map((a) => a.ha_ip), ['127.0.0.41', '127.0.0.40']);
  const first = mine[0] as { id: string };
  assert.deepEqual(await control.showAmphora(first.id), mine[0]);
  assert.equal(await codeOf(() => control.showAmphora('nope')), 'NOT_FOUND');

  counters = { [l.id]: { bytes_in: 10, bytes_out: 20, active_connections: 1, total_connections: 3, request_errors: 0 } };
  runtime.part('node').applied({ revision: 1, listenerErrors: { [l.id]: 'listen EADDRINUSE' }, members: {} });
  assert.deepEqual(await control.amphoraStats(first.id), {
    amphora_stats: [{ id: first.id, loadbalancer_id: lb.id, listener_id: l.id, bytes_in: 10, bytes_out: 20, active_connections: 1, total_connections: 3, request_errors: 0 }],
  });
  assert.equal((await control.showAmphora(first.id)).status, 'ERROR', 'a listener the node could not serve');
  assert.equal((await control.listAmphorae({ query: { loadbalancer_id: other.id } }))[0]?.status, 'ALLOCATED');
  await control.remove('loadbalancer', other.id);
  assert.equal((await control.listAmphorae({ query: {} })).length, 2);
});

test('failover: every node serving the load balancer, or the one node of an amphora, applies it afresh', async (t) => {
  const { directory, reapplied } = twoNodes();
  const { control } = await controlPlaneFor(t, { nodes: directory });
  const lb = await loadBalancer(control);
  await control.failover('loadbalancer', lb.id);
  assert.deepEqual(reapplied, [`node-a/${lb.id}`, `node-b/${lb.id}`]);
  const [, second] = await control.listAmphorae({ query: {} });
  await control.failover('amphora', String(second?.id));
  assert.deepEqual(reapplied.at(-1), `node-b/${lb.id}`);
  assert.equal(await codeOf(() => control.failover('loadbalancer', 'nope')), 'NOT_FOUND');
  assert.equal(await codeOf(() => control.failover('amphora', 'nope')), 'NOT_FOUND');
});

test('the local directory: this node serves everything and re-applies through the publisher', async () => {
  const asked: string[] = [];
  const node = thisNode({ id: 'me' });
  const directory = localNodeDirectory(node, async (id) => asked.push(id));
  assert.deepEqual(await directory.nodesServing({} as never), [node]);
  await directory.reapply(node, 'lb-1');
  assert.deepEqual(asked, ['lb-1']);
  await assert.rejects(directory.reapply(thisNode({ id: 'other' }), 'lb-1'), /not this node/);
});
