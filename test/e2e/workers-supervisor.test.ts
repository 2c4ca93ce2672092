// The supervisor with real worker processes running a stand-in data plane (stand-in-worker.ts):
// shared sockets, snapshots to every worker, restart after a crash, aggregated stats, one health
// truth in the runtime view, close.
import assert from 'node:assert/strict';
import cluster from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createClusteredDataPlane } from '../../src/dataplane/cluster/clustered-dataplane.js';
import { RuntimeView } from '../../src/snapshot/runtime-view.js';
import { connectUntilEveryWorkerServes, echoes, echoServer, freePort, snapshotOf, tcpListener, tcpMonitor, tcpPool, until } from '../unit/dataplane/cluster/cluster-fixtures.js';

const standIn = fileURLToPath(new URL('../helpers/stand-in-worker.ts', import.meta.url));

test('two workers share a TCP listener, survive a crash and report one truth', async (t) => {
  const echo = await echoServer();
  t.after(() => echo.close());
  const port = await freePort();
  const runtime = new RuntimeView();
  const plane = createClusteredDataPlane({ workers: 2, workerEntry: standIn, restart: { initialDelayMs: 50 }, runtime: runtime.part('node') });
  t.after(() => plane.close(1_000));

  // Monitored, so the member's status is the probing worker's verdict (the stand-in's says ONLINE).
  const pool = tcpPool('pool-1', [{ id: 'member-1', port: echo.port }], tcpMonitor(100));
  const report = await plane.apply(snapshotOf(1, [tcpListener('listener-1', port, 'pool-1')], [pool]));
  assert.deepEqual(report, { revision: 1, listenerErrors: {} });

  // Parallel connections until both workers have accepted some: the kernel spreads them.
  let succeeded = await connectUntilEveryWorkerServes(plane, port, 'listener-1');

  const before = await plane.workers();
  const pids = before.map((w) => w.pid);
  assert.equal(new Set(pids).size, 2);
  const victim = before[1]?.pid;
  assert.ok(victim);
  process.kill(victim, 'SIGKILL');
  // A client keeps connecting: every connection is served by the surviving worker.
  const comeback = until('the killed worker to be replaced', async () => {
    const workers = await plane.workers();
    const slot = workers[1];
    return slot?.ready && slot.pid !== victim ? slot : undefined;
  });
  let whileDown = 0;
  let replaced = false;
  void comeback.then(() => { replaced = true; }, () => { replaced = true; });
  while (!replaced || whileDown < 10) {
    assert.equal(await echoes(port), true, 'a connection while a worker is down echoes');
    whileDown++;
  }
  const newWorker = await comeback;
  succeeded += whileDown;
  assert.equal(newWorker.restarts, 1);

  // One truth: connections of every worker, including the one that died, summed; health from one worker.
  const stats = await plane.stats();
  assert.equal(stats.listeners['listener-1']?.total_connections, succeeded);
  assert.deepEqual(runtime.memberStatuses(), { 'member-1': 'ONLINE' });

  // A snapshot applied after the restart reaches the new worker too.
  const port2 = await freePort();
  await plane.apply(snapshotOf(2, [tcpListener('listener-1', port, 'pool-1'), tcpListener('listener-2', port2, 'pool-1')], [pool]));
  const after = await plane.workers();
  for (const worker of after) {
    assert.equal(worker.stats?.revision, 2);
    assert.ok(worker.stats?.listeners['listener-2'], `worker ${worker.pid} serves listener-2`);
    assert.deepEqual(worker.members, { 'member-1': 'ONLINE' });
  }
  assert.equal(await echoes(port2), true);
  assert.match(await plane.metrics(), /^standin_connections_total \d+$/m);

  await plane.close(1_000);
  assert.equal(Object.keys(cluster.workers ?? {}).length, 0, 'every worker exited');
  assert.equal(await echoes(port, 500), false, 'the listener is closed');
});

test('a worker that hangs in apply is killed and replaced, and the apply completes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elbow-cluster-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plane = createClusteredDataPlane({ workers: 2, workerEntry: standIn, applyTimeoutMs: 1_000, restart: { initialDelayMs: 50 } });
  t.after(() => plane.close(1_000));
  const hang = { ...tcpListener('listener-1', await freePort(), null), name: `hang-once:${join(dir, 'claimed')}` };
  const report = await plane.apply(snapshotOf(1, [hang], []));
  assert.equal(report.revision, 1);
  const workers = await until('the hung worker replaced', async () => {
    const all = await plane.workers();
    return all.every((w) => w.ready && w.stats?.revision === 1) && all.some((w) => w.restarts === 1) ? all : undefined;
  });
  assert.equal(workers.reduce((sum, w) => sum + w.restarts, 0), 1);
});
