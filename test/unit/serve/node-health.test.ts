// A node's health: failing (503, VIPs given up) only when its data plane does not answer;
// degraded while it serves with the store unreachable or listeners it could not bind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeHealth, probeDataPlane } from '../../../src/serve/node/node-health.js';
import type { ApplyReport, DataPlaneStats } from '../../../src/snapshot/snapshot.js';

const STATS: DataPlaneStats = { revision: 4, listeners: {} };
const answering = { stats: async () => STATS };
const hanging = { stats: () => new Promise<DataPlaneStats>(() => undefined) };

function health(engine: Parameters<typeof probeDataPlane>[0], last: ApplyReport | undefined = { revision: 4, listenerErrors: {} }): NodeHealth {
  return new NodeHealth({ node: 'n1', zone: 'az1', lastApply: () => last, probe: probeDataPlane(engine, 50), probeCacheMs: 0 });
}

describe('node health', () => {
  it('ok while the data plane answers and the store is reachable', async () => {
    assert.deepStrictEqual(await health(answering).report(), {
      status: 'ok',
      node: 'n1',
      availability_zone: 'az1',
      applied_revision: 4,
      store: 'ok',
      data_plane: 'ok',
      reasons: [],
    });
  });

  it('failing when the data plane does not answer within the bound, or fails to', async () => {
    const hung = await health(hanging).report();
    assert.equal(hung.status, 'failing');
    assert.equal(hung.data_plane, 'failing');
    assert.deepStrictEqual(hung.reasons, ['the data plane did not answer within 50 ms']);
    const broken = await health({ stats: async () => Promise.reject(new Error('haproxy is gone')) }).report();
    assert.deepStrictEqual(broken.reasons, ['the data plane failed to answer: haproxy is gone']);
  });

  it('failing when no worker process is ready, whatever the merged stats say', async () => {
    const workers = (ready: boolean[]) => ({ ...answering, workers: async () => ready.map((r) => ({ ready: r, stats: r ? STATS : undefined })) });
    assert.equal((await health(workers([false, true])).report()).status, 'ok');
    const none = await health(workers([false, false])).report();
    assert.equal(none.status, 'failing');
    assert.deepStrictEqual(none.reasons, ['none of the 2 data plane workers is ready']);
  });

  it('degraded, not failing, while the store is unreachable or listeners could not be bound', async () => {
    const node = health(answering, { revision: 9, listenerErrors: { l1: 'EADDRINUSE' } });
    assert.equal(node.storeUnreachable('connect ECONNREFUSED'), true, 'the first failure is news');
    assert.equal(node.storeUnreachable('connect ECONNREFUSED'), false);
    const report = await node.report();
    assert.equal(report.status, 'degraded');
    assert.equal(report.store, 'unreachable');
    assert.deepStrictEqual(report.reasons, [
      'the store is unreachable (connect ECONNREFUSED): serving revision 9 until it is back',
      '1 listener(s) could not be served (see their provisioning_status_reason)',
    ]);
    assert.equal(node.storeReachable(), true, 'the return is news');
    assert.equal((await node.report()).store, 'ok');
  });
});
