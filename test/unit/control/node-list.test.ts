// The nodes view: what each node reported, `down` once it stopped or missed three heartbeats,
// and the load balancers placed on it; the node directory Octavia's amphorae and failover use.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNodeList, nodeView } from '../../../src/control/node-list.js';
import { storeNodeDirectory } from '../../../src/control/store-node-directory.js';
import { ElbowError } from '../../../src/errors.js';
import type { LoadBalancer } from '../../../src/model/types.js';
import type { NodeRecord, NodeRegistry } from '../../../src/store/node-registry.js';

function record(name: string, fields: Partial<NodeRecord> = {}): NodeRecord {
  return {
    name,
    nodeId: `${name}-id`,
    availabilityZone: null,
    apiUrl: null,
    version: '0.1.0',
    appliedRevision: 5,
    health: 'ok',
    healthDetail: null,
    heartbeatIntervalMs: 2000,
    details: {},
    startedAt: '2026-12-06T10:00:00.000Z',
    lastHeartbeat: '2026-12-06T10:00:10.000Z',
    heartbeatAgeMs: 1200,
    ...fields,
  };
}

const lbs = [
  { id: 'lb-any', availability_zone: null },
  { id: 'lb-a', availability_zone: 'a' },
  { id: 'lb-b', availability_zone: 'b' },
] as LoadBalancer[];
const config = { list: () => lbs, sync: async () => undefined } as never;

describe('nodes', () => {
  it('shows what a node reported and the load balancers placed on it', () => {
    const view = nodeView(record('n1', { availabilityZone: 'a', details: { vrrp: { states: { elbow_all: 'MASTER' } } } }), config, 'n1');
    assert.equal(view.health, 'ok');
    assert.equal(view.id, 'n1-id', "its stable id: its amphorae's compute_id");
    assert.equal(view.local, true);
    assert.equal(view.seconds_since_heartbeat, 1.2);
    assert.equal(view.heartbeat_interval, 2);
    assert.deepStrictEqual(view.loadbalancers, ['lb-any', 'lb-a']);
    assert.deepStrictEqual(view.vrrp, { states: { elbow_all: 'MASTER' } });
    assert.deepStrictEqual(nodeView(record('n2', { availabilityZone: 'b' }), config, 'n1').loadbalancers, ['lb-any', 'lb-b']);
    assert.deepStrictEqual(nodeView(record('n3'), config, 'n1').loadbalancers, ['lb-any', 'lb-a', 'lb-b'], 'a node without a zone serves all');
  });

  it('a node silent for three intervals, or stopped, is down, and serves nothing', () => {
    const silent = nodeView(record('n1', { availabilityZone: 'a', heartbeatAgeMs: 6100 }), config, null);
    assert.equal(silent.health, 'down');
    assert.equal(silent.health_detail, 'no heartbeat for 6.1 s');
    const stopped = nodeView(record('n2', { health: 'stopped' }), config, null);
    assert.equal(stopped.health, 'down');
    assert.equal(stopped.health_detail, 'stopped');
    const alive = nodeView(record('n3', { availabilityZone: 'a', heartbeatAgeMs: 5900, health: 'degraded', healthDetail: 'the store is unreachable' }), config, null);
    assert.equal(alive.health, 'degraded');
  });

  it("the node directory: the nodes of a load balancer's zone, OFFLINE once down; failover re-applies here or through the other node's API", async () => {
    const records = [
      record('n1', { availabilityZone: 'a', apiUrl: 'http://10.0.0.11:9876' }),
      record('n2', { availabilityZone: 'a', apiUrl: 'http://[2001:db8::12]:9876', heartbeatAgeMs: 60_000 }),
      record('n3', { availabilityZone: 'b', apiUrl: 'http://10.0.0.13:9876' }),
    ];
    const applied: string[] = [];
    const directory = storeNodeDirectory({
      registry: { list: async () => records },
      localId: 'n1-id',
      reapplyLocal: async (lb) => applied.push(`local ${lb}`),
      reapplyRemote: async (node, apiUrl, lb) => void applied.push(`${node.name} ${apiUrl} ${lb}`),
    });
    const inA = await directory.nodesServing({ id: 'lb-a', availability_zone: 'a' } as LoadBalancer);
    assert.deepStrictEqual(inA, [
      { id: 'n1-id', name: 'n1', address: '10.0.0.11', status: 'ONLINE', availabilityZone: 'a' },
      { id: 'n2-id', name: 'n2', address: '2001:db8::12', status: 'OFFLINE', availabilityZone: 'a' },
    ]);
    assert.deepStrictEqual((await directory.nodesServing({ id: 'lb-any', availability_zone: null } as LoadBalancer)).map((node) => node.name), ['n1', 'n2', 'n3']);
    for (const node of await directory.nodesServing({ id: 'lb-any', availability_zone: null } as LoadBalancer)) await directory.reapply(node, 'lb-any');
    assert.deepStrictEqual(applied, ['local lb-any', 'n3 http://10.0.0.13:9876 lb-any'], 'a node that is down applies everything when it comes back');
  });

  it('removes only a node that is down', async () => {
    const removed: string[] = [];
    const registry = {
      list: async () => [record('up'), record('gone', { heartbeatAgeMs: 60_000 })],
      remove: async (name: string) => (removed.push(name), true),
    } as unknown as NodeRegistry;
    const directory = createNodeList({ registry, config, localName: 'up' });
    await assert.rejects(directory.remove('up'), (error) => error instanceof ElbowError && error.code === 'NODE_NOT_DOWN');
    await assert.rejects(directory.remove('nope'), (error) => error instanceof ElbowError && error.code === 'NOT_FOUND');
    await directory.remove('gone');
    assert.deepStrictEqual(removed, ['gone']);
  });
});
