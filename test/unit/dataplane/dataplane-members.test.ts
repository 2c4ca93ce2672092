// Member life through re-applies on a running data plane: health kept across unrelated changes,
// probes sent to monitor_address/monitor_port, admin down, removal with drain, and health decided
// by another worker (healthChecks off + setMemberHealth / onMemberHealth).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createDataPlane } from '../../../src/dataplane/dataplane.js';
import { RuntimeView } from '../../../src/snapshot/runtime-view.js';
import { eventually, exchange, freePort, makeListener, makeMember, makeMonitor, makePool, makeSnapshot, startEchoServer, startNameServer } from './support.js';

test('health survives unrelated re-applies; probes go to the monitor port; admin down is OFFLINE', async (t) => {
  const a = await startNameServer('a');
  const health = await startNameServer('health');
  t.after(async () => {
    await a.close();
    await health.close();
  });
  const decided: Record<string, string>[] = [];
  const runtime = new RuntimeView();
  const plane = createDataPlane({ drainMs: 100, onMemberHealth: (states) => decided.push({ ...states }), runtime: runtime.part('node') });
  t.after(() => plane.close(0));
  const [port, other] = [await freePort(), await freePort()];
  const gone = await freePort();
  const side = makeMember({ id: 'side', port: await freePort(), monitorPort: health.port });
  // Traffic port closed, monitor port open: `side` is up.
  const members = [makeMember({ id: 'a', port: a.port }), makeMember({ id: 'down', port: gone }), side];
  const pool = makePool({ id: 'p', members, healthMonitor: makeMonitor({ intervalMs: 30_000 }) });
  const listener = makeListener({ id: 'l1', port, defaultPoolId: 'p' });
  await plane.apply(makeSnapshot(1, [listener], [pool]));
  await eventually('first probes', () => Object.keys(runtime.memberStatuses()).length === 3 && decided.length === 3);
  // Each verdict reached the runtime view as it was decided.
  assert.deepEqual(runtime.memberStatuses(), { a: 'ONLINE', down: 'ERROR', side: 'ONLINE' });
  assert.deepEqual(Object.assign({}, ...decided), { a: 'ONLINE', down: 'ERROR', side: 'ONLINE' });
  // Adding a listener changes nothing for the members (the next probe is 30 s away).
  await plane.apply(makeSnapshot(2, [listener, makeListener({ id: 'l2', port: other, defaultPoolId: 'p' })], [pool]));
  assert.deepEqual(runtime.memberStatuses(), { a: 'ONLINE', down: 'ERROR', side: 'ONLINE' });
  const offline = { ...pool, members: [...members.slice(0, 2), { ...side, enabled: false }] };
  await plane.apply(makeSnapshot(3, [listener], [offline]));
  assert.deepEqual(runtime.memberStatuses(), { a: 'ONLINE', down: 'ERROR', side: 'OFFLINE' });
  assert.equal(runtime.memberStatus('side'), 'OFFLINE', 'the apply reported it before it resolved');
  assert.equal(runtime.revision, 3);
  for (let i = 0; i < 5; i++) assert.equal((await exchange(port)).reply, 'a');
});

test('a removed member drains: its open connection keeps working until the drain bound', async (t) => {
  const echo = await startEchoServer();
  const next = await startNameServer('next');
  t.after(async () => {
    await echo.close();
    await next.close();
  });
  const runtime = new RuntimeView();
  const plane = createDataPlane({ drainMs: 300, runtime: runtime.part('node') });
  t.after(() => plane.close(0));
  const port = await freePort();
  const listener = makeListener({ id: 'l1', port, defaultPoolId: 'p' });
  await plane.apply(makeSnapshot(1, [listener], [makePool({ id: 'p', members: [makeMember({ id: 'old', port: echo.port })] })]));
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  socket.write('before');
  await new Promise((resolve) => socket.once('data', resolve));
  await plane.apply(makeSnapshot(2, [listener], [makePool({ id: 'p', members: [makeMember({ id: 'new', port: next.port })] })]));
  assert.equal(runtime.memberStatus('old'), 'DRAINING');
  assert.equal((await exchange(port)).reply, 'next');
  socket.write('during');
  assert.equal((await new Promise<Buffer>((resolve) => socket.once('data', resolve))).toString(), 'during');
  await new Promise((resolve) => socket.once('close', resolve));
  // The drained member is forgotten. The runtime view is not told when a drain ends (the member is
  // no longer configured, so the API reads no status of it; the next apply's report drops it):
  // this data plane's own member table says it.
  assert.deepEqual(plane.memberStatuses(), { new: 'NO_MONITOR' });
});

test('with probes off, health comes from setMemberHealth', async (t) => {
  const a = await startNameServer('a');
  const b = await startNameServer('b');
  t.after(async () => {
    await a.close();
    await b.close();
  });
  const plane = createDataPlane({ drainMs: 100, healthChecks: false });
  t.after(() => plane.close(0));
  const port = await freePort();
  const pool = makePool({ id: 'p', members: [makeMember({ id: 'a', port: a.port }), makeMember({ id: 'b', port: b.port })], healthMonitor: makeMonitor() });
  await plane.apply(makeSnapshot(1, [makeListener({ id: 'l1', port, defaultPoolId: 'p' })], [pool]));
  plane.setMemberHealth({ b: 'ERROR', unknown: 'ERROR' });
  // A mirror's own member table (a worker's: the primary reports the prober's verdicts into the runtime view).
  assert.deepEqual(plane.memberStatuses(), { a: 'ONLINE', b: 'ERROR' });
  for (let i = 0; i < 4; i++) assert.equal((await exchange(port)).reply, 'a');
  plane.setMemberHealth({ b: 'ONLINE' });
  const replies = new Set<string>();
  for (let i = 0; i < 4; i++) replies.add((await exchange(port)).reply);
  assert.deepEqual([...replies].sort(), ['a', 'b']);
});
