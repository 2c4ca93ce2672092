// The data plane with TCP listeners on real sockets: balancing by weight, half-close, live
// changes next to open connections, and a listener whose address another program holds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { createDataPlane } from '../../../src/dataplane/dataplane.js';
import { RuntimeView } from '../../../src/snapshot/runtime-view.js';
import { eventually, exchange, freePort, makeListener, makeMember, makePool, makeSnapshot, startEchoServer, startNameServer, startServer } from './support.js';

test('a TCP listener spreads connections over two members by weight', async (t) => {
  const a = await startNameServer('a');
  const b = await startNameServer('b');
  const view = new RuntimeView();
  const plane = createDataPlane({ drainMs: 100, runtime: view.part('node') });
  t.after(async () => {
    await plane.close(0);
    await a.close();
    await b.close();
  });
  const port = await freePort();
  const pool = makePool({ id: 'p1', members: [makeMember({ id: 'm-a', port: a.port, weight: 3 }), makeMember({ id: 'm-b', port: b.port, weight: 1 })] });
  const report = await plane.apply(makeSnapshot(1, [makeListener({ id: 'l1', port, defaultPoolId: 'p1' })], [pool]));
  assert.deepEqual(report, { revision: 1, listenerErrors: {} });
  const counts = { a: 0, b: 0 };
  for (let i = 0; i < 40; i++) {
    const { reply } = await exchange(port);
    assert.ok(reply === 'a' || reply === 'b', `unexpected reply ${reply}`);
    counts[reply]++;
  }
  assert.deepEqual(counts, { a: 30, b: 10 });
  // Each client sent its FIN before the member connect completed; the FIN still reached the member.
  await eventually('member connections released', () => a.sockets.size === 0 && b.sockets.size === 0);
  assert.equal((await plane.stats()).listeners.l1?.total_connections, 40);
  assert.deepEqual(view.memberStatuses(), { 'm-a': 'NO_MONITOR', 'm-b': 'NO_MONITOR' });
  const metrics = await plane.metrics();
  assert.match(metrics, /elbow_listener_connections_total\{listener="l1",loadbalancer="lb-1"\} 40/);
  assert.match(metrics, /elbow_member_up\{member="m-a",pool="p1"\} 1/);
});

test('half-close: the client stops writing and still receives the reply', async (t) => {
  // The member answers only once the client has finished sending.
  const member = await startServer((socket) => {
    let received = 0;
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('end', () => socket.end(`got ${received}`));
  });
  const plane = createDataPlane({ drainMs: 100 });
  t.after(async () => {
    await plane.close(0);
    await member.close();
  });
  const port = await freePort();
  const pool = makePool({ id: 'p1', members: [makeMember({ id: 'm1', port: member.port })] });
  await plane.apply(makeSnapshot(1, [makeListener({ id: 'l1', port, defaultPoolId: 'p1' })], [pool]));
  const { reply, error } = await exchange(port, 'hello world');
  assert.equal(error, null);
  assert.equal(reply, 'got 11');
});

test('a listener on an address another program holds is reported; the others serve', async (t) => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  const heldPort = (squatter.address() as { port: number }).port;
  const member = await startNameServer('m');
  const view = new RuntimeView();
  const plane = createDataPlane({ drainMs: 100, runtime: view.part('node') });
  t.after(async () => {
    await plane.close(0);
    await member.close();
    await new Promise((resolve) => squatter.close(resolve));
  });
  const port = await freePort();
  const pool = makePool({ id: 'p1', members: [makeMember({ id: 'm1', port: member.port })] });
  const listeners = [makeListener({ id: 'held', port: heldPort, defaultPoolId: 'p1' }), makeListener({ id: 'free', port, defaultPoolId: 'p1' })];
  const report = await plane.apply(makeSnapshot(1, listeners, [pool]));
  assert.deepEqual(Object.keys(report.listenerErrors), ['held']);
  assert.match(report.listenerErrors.held ?? '', new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${heldPort}`));
  assert.equal((await exchange(port)).reply, 'm');
  assert.deepEqual(view.listenerErrors(), report.listenerErrors);
  // Once the address is free, the next apply binds it.
  await new Promise((resolve) => squatter.close(resolve));
  const second = await plane.apply(makeSnapshot(2, listeners, [pool]));
  assert.deepEqual(second.listenerErrors, {});
  assert.equal((await exchange(heldPort)).reply, 'm');
});

test('open connections keep working while other listeners are added, changed and removed', async (t) => {
  const echo = await startEchoServer();
  const named = await startNameServer('n');
  const plane = createDataPlane({ drainMs: 100 });
  const client = { socket: undefined as ReturnType<typeof connect> | undefined };
  t.after(async () => {
    client.socket?.destroy();
    await plane.close(0);
    await echo.close();
    await named.close();
  });
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  const pools = [makePool({ id: 'echo', members: [makeMember({ id: 'e1', port: echo.port })] }), makePool({ id: 'named', members: [makeMember({ id: 'n1', port: named.port })] })];
  const kept = makeListener({ id: 'kept', port: p1, defaultPoolId: 'echo' });
  await plane.apply(makeSnapshot(1, [kept, makeListener({ id: 'changed', port: p2, defaultPoolId: 'named' })], pools));

  const socket = connect({ host: '127.0.0.1', port: p1 });
  client.socket = socket;
  const echoed = async (text: string) => {
    socket.write(text);
    const chunk = await new Promise<Buffer>((resolve) => socket.once('data', resolve));
    return chunk.toString();
  };
  assert.equal(await echoed('one'), 'one');

  // Change one listener's port, add another, then remove both; the open connection is untouched.
  await plane.apply(makeSnapshot(2, [kept, makeListener({ id: 'changed', port: p3, defaultPoolId: 'named' }), makeListener({ id: 'added', port: p2, defaultPoolId: 'named' })], pools));
  assert.equal((await exchange(p3)).reply, 'n');
  assert.equal((await exchange(p2)).reply, 'n');
  assert.equal(await echoed('two'), 'two');
  const report = await plane.apply(makeSnapshot(3, [kept], pools));
  assert.deepEqual(report.listenerErrors, {});
  assert.notEqual((await exchange(p3)).error, null);
  assert.equal(await echoed('three'), 'three');
  // A change of the kept listener's own pool takes effect for new connections only.
  await plane.apply(makeSnapshot(4, [{ ...kept, defaultPoolId: 'named' }], pools));
  assert.equal((await exchange(p1)).reply, 'n');
  assert.equal(await echoed('four'), 'four');
  // An older revision is ignored.
  const stale = await plane.apply(makeSnapshot(2, [], pools));
  assert.equal(stale.revision, 4);
  assert.equal((await exchange(p1)).reply, 'n');
  socket.end();
  await eventually('connection closed', async () => (await plane.stats()).listeners.kept?.active_connections === 0);
});

test('a protocol change on the same port rebinds it: TCP becomes HTTP', async (t) => {
  const member = await startNameServer('m');
  const plane = createDataPlane({ drainMs: 100 });
  t.after(async () => {
    await plane.close(0);
    await member.close();
  });
  const port = await freePort();
  const pool = makePool({ id: 'p1', members: [makeMember({ id: 'm1', port: member.port })] });
  await plane.apply(makeSnapshot(1, [makeListener({ id: 'l1', port, defaultPoolId: 'p1' })], [pool]));
  assert.equal((await exchange(port)).reply, 'm');
  const report = await plane.apply(makeSnapshot(2, [makeListener({ id: 'l1', port, protocol: 'HTTP' })], []));
  assert.deepEqual(report.listenerErrors, {});
  const { reply } = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(reply, /^HTTP\/1\.1 503/);
});

test('SOURCE_IP session persistence on a TCP pool: one client address, one member', async (t) => {
  const a = await startNameServer('a');
  const b = await startNameServer('b');
  const plane = createDataPlane({ drainMs: 100 });
  t.after(async () => {
    await plane.close(0);
    await a.close();
    await b.close();
  });
  const port = await freePort();
  const members = [makeMember({ id: 'm-a', port: a.port }), makeMember({ id: 'm-b', port: b.port })];
  const pool = makePool({ id: 'p1', algorithm: 'LEAST_CONNECTIONS', members, sessionPersistence: { type: 'SOURCE_IP', cookieName: null, timeoutSeconds: 60, granularity: null } });
  await plane.apply(makeSnapshot(1, [makeListener({ id: 'l1', port, defaultPoolId: 'p1' })], [pool]));
  const replies = new Set<string>();
  for (let i = 0; i < 10; i++) replies.add((await exchange(port)).reply);
  assert.equal(replies.size, 1);
  // Without persistence the same client spreads over both.
  await plane.apply(makeSnapshot(2, [makeListener({ id: 'l1', port, defaultPoolId: 'p1' })], [{ ...pool, sessionPersistence: null }]));
  replies.clear();
  for (let i = 0; i < 10; i++) replies.add((await exchange(port)).reply);
  assert.equal(replies.size, 2);
});
