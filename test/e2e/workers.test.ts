// `elbow serve --workers N`'s data plane: the real data plane in 2 worker processes sharing TCP
// and UDP listeners, a worker killed and replaced, one health truth, everything closed at the end.
import assert from 'node:assert/strict';
import cluster from 'node:cluster';
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import tls from 'node:tls';
import { test } from 'node:test';
import { createClusteredDataPlane } from '../../src/dataplane/cluster/clustered-dataplane.js';
import { RuntimeView } from '../../src/snapshot/runtime-view.js';
import type { SnapshotListenerTls, SnapshotPool } from '../../src/snapshot/snapshot.js';
import { createTestCa } from '../helpers/test-ca.js';
import { connectUntilEveryWorkerServes, echoes, echoServer, freePort, snapshotOf, tcpListener, tcpMonitor, tcpPool, until } from '../unit/dataplane/cluster/cluster-fixtures.js';

test('two workers share a TCP listener, survive a crash, and show one truth', async (t) => {
  const echo = await echoServer();
  t.after(() => echo.close());
  const port = await freePort();
  const runtime = new RuntimeView();
  const plane = createClusteredDataPlane({ workers: 2, restart: { initialDelayMs: 50 }, logLevel: 'warn', runtime: runtime.part('node') });
  t.after(() => plane.close(1_000));

  const pool = tcpPool('pool-1', [{ id: 'member-1', port: echo.port }]);
  const report = await plane.apply(snapshotOf(1, [tcpListener('listener-1', port, 'pool-1')], [pool]));
  assert.deepEqual(report, { revision: 1, listenerErrors: {} });

  // Parallel connections until both workers have accepted some: the kernel spreads them.
  let succeeded = await connectUntilEveryWorkerServes(plane, port, 'listener-1');

  const before = await plane.workers();
  assert.equal(new Set(before.map((w) => w.pid)).size, 2);
  const victim = before[1]?.pid;
  assert.ok(victim);
  process.kill(victim, 'SIGKILL');
  let replaced = false;
  const comeback = until('the killed worker to be replaced', async () => {
    const slot = (await plane.workers())[1];
    return slot?.ready && slot.pid !== victim ? slot : undefined;
  }).finally(() => { replaced = true; });
  let whileDown = 0;
  while (!replaced || whileDown < 10) {
    assert.equal(await echoes(port), true, 'a connection while a worker is down echoes');
    whileDown++;
  }
  assert.equal((await comeback).restarts, 1);
  succeeded += whileDown;

  const stats = await plane.stats();
  assert.equal(stats.revision, 1);
  assert.equal(stats.listeners['listener-1']?.total_connections, succeeded, 'every connection counted once, the dead worker\'s too');
  assert.deepEqual(runtime.memberStatuses(), { 'member-1': 'NO_MONITOR' });

  // Applied after the restart: reaches the new worker too.
  const port2 = await freePort();
  await plane.apply(snapshotOf(2, [tcpListener('listener-1', port, 'pool-1'), tcpListener('listener-2', port2, 'pool-1')], [pool]));
  for (const worker of await plane.workers()) {
    assert.equal(worker.stats?.revision, 2);
    assert.ok(worker.stats?.listeners['listener-2'], `worker ${worker.pid} serves listener-2`);
  }
  assert.equal(await echoes(port2), true);
  assert.match(await plane.metrics(), /^elbow_dataplane_workers\{state="ready"\} 2$/m);

  await plane.close(1_000);
  assert.equal(Object.keys(cluster.workers ?? {}).length, 0, 'every worker exited');
  assert.equal(await echoes(port, 500), false, 'the listener is closed');
});

test('member health is probed by one worker and mirrored by the others', async (t) => {
  const echo = await echoServer();
  t.after(() => echo.close());
  const port = await freePort();
  const runtime = new RuntimeView();
  const plane = createClusteredDataPlane({ workers: 2, logLevel: 'warn', runtime: runtime.part('node') });
  t.after(() => plane.close(1_000));
  const healthy = tcpPool('pool-1', [{ id: 'member-1', port: echo.port }], tcpMonitor(100));
  await plane.apply(snapshotOf(1, [tcpListener('listener-1', port, 'pool-1')], [healthy]));
  const everyWorkerSees = (state: string) => async () =>
    (await plane.workers()).every((w) => w.members?.['member-1'] === state);
  await until('member ONLINE in every worker', everyWorkerSees('ONLINE'));

  // The member moves to a closed port: only the probing worker can notice, the other follows.
  const closed: SnapshotPool = tcpPool('pool-1', [{ id: 'member-1', port: await freePort() }], tcpMonitor(100));
  await plane.apply(snapshotOf(2, [tcpListener('listener-1', port, 'pool-1')], [closed]));
  await until('member ERROR in every worker', everyWorkerSees('ERROR'));
  // The primary reported the prober's verdict into the runtime view the API reads.
  await until('member ERROR in the runtime view', async () => runtime.memberStatus('member-1') === 'ERROR');
  assert.deepEqual(runtime.memberStatuses(), { 'member-1': 'ERROR' });
  assert.equal(runtime.revision, 2);
  assert.match(await plane.metrics(), /^elbow_member_up\{member="member-1",pool="pool-1"\} 0$/m);

  // A restarted mirror gets the current health before it counts as ready; a restarted prober
  // decides afresh and the others follow.
  for (const slot of [1, 0]) {
    const victim = (await plane.workers())[slot];
    assert.ok(victim?.pid);
    process.kill(victim.pid, 'SIGKILL');
    await until(`worker ${slot} replaced`, async () => {
      const replaced = (await plane.workers())[slot];
      return replaced?.ready && replaced.pid !== victim.pid;
    });
    await until(`member ERROR in every worker after worker ${slot} restarted`, everyWorkerSees('ERROR'));
  }

  await plane.apply(snapshotOf(3, [tcpListener('listener-1', port, 'pool-1')], [healthy]));
  await until('member ONLINE again in every worker', everyWorkerSees('ONLINE'));
  await until('member ONLINE again in the runtime view', async () => runtime.memberStatus('member-1') === 'ONLINE');
  assert.equal(await echoes(port), true);
});

test('a port taken by another program is a listener error, once', async (t) => {
  const taken = await echoServer();
  t.after(() => taken.close());
  const runtime = new RuntimeView();
  const plane = createClusteredDataPlane({ workers: 2, logLevel: 'silent', runtime: runtime.part('node') });
  t.after(() => plane.close(1_000));
  const report = await plane.apply(snapshotOf(1, [tcpListener('listener-1', taken.port, null)], []));
  assert.deepEqual(Object.keys(report.listenerErrors), ['listener-1']);
  assert.match(report.listenerErrors['listener-1'] ?? '', /EADDRINUSE/);
  assert.deepEqual(Object.keys(runtime.listenerErrors()), ['listener-1']);
  assert.deepEqual(runtime.listenerErrors(), report.listenerErrors, 'in the runtime view when apply resolves');
});

test('a UDP listener is bound by one worker, so a client flow reaches the member from one socket, and moves when that worker dies', async (t) => {
  const member = dgram.createSocket('udp4');
  const sources = new Set<number>();
  member.on('message', (message, from) => {
    sources.add(from.port);
    member.send(message, from.port, from.address);
  });
  await new Promise<void>((resolve) => member.bind(0, '127.0.0.1', resolve));
  t.after(() => member.close());
  const port = await freePort();
  const plane = createClusteredDataPlane({ workers: 2, restart: { initialDelayMs: 50 }, logLevel: 'warn' });
  t.after(() => plane.close(1_000));
  const pool: SnapshotPool = { ...tcpPool('pool-1', [{ id: 'member-1', port: member.address().port }]), protocol: 'UDP' };
  const report = await plane.apply(snapshotOf(1, [tcpListener('listener-1', port, 'pool-1', 'UDP')], [pool]));
  assert.deepEqual(report.listenerErrors, {});

  const client = dgram.createSocket('udp4');
  t.after(() => client.close());
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  /** One datagram of the client's one flow; resolves whether its echo came back (bounded). */
  const roundTrip = (text: string): Promise<boolean> => new Promise((resolve) => {
    const onMessage = (reply: Buffer): void => {
      if (reply.toString() === text) finish(true);
    };
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), 500);
    client.on('message', onMessage);
    client.send(text, port, '127.0.0.1');
  });
  let replies = 0;
  for (let i = 0; i < 50; i++) if (await roundTrip(`a${i}`)) replies++;
  assert.ok(replies >= 45, `replies: ${replies}/50`);
  assert.equal(sources.size, 1, 'the member sees the client flow from one upstream socket');

  const owner = (await plane.workers()).find((w) => (w.stats?.listeners['listener-1']?.total_connections ?? 0) > 0);
  assert.ok(owner?.pid);
  process.kill(owner.pid, 'SIGKILL');
  await until('UDP served by the other worker', async () => (await roundTrip('after')) || undefined);
  await until('the owner replaced', async () => {
    const slot = (await plane.workers())[owner.slot];
    return slot?.ready && slot.pid !== owner.pid ? slot : undefined;
  });
  await until('UDP served after the owner came back', async () => (await roundTrip('back')) || undefined);
});

test("a UDP listener's bind error goes from the runtime view when the listener moves to a worker that binds it", async (t) => {
  const blocker = dgram.createSocket('udp4');
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.bind(port, '127.0.0.1', resolve));
  let blocking = true;
  t.after(() => blocking && blocker.close());
  const runtime = new RuntimeView();
  const plane = createClusteredDataPlane({ workers: 2, restart: { initialDelayMs: 50 }, logLevel: 'silent', runtime: runtime.part('node') });
  t.after(() => plane.close(1_000));
  const pool: SnapshotPool = { ...tcpPool('pool-1', [{ id: 'member-1', port: 9 }]), protocol: 'UDP' };
  const report = await plane.apply(snapshotOf(1, [tcpListener('listener-1', port, 'pool-1', 'UDP')], [pool]));
  assert.match(report.listenerErrors['listener-1'] ?? '', /EADDRINUSE/);
  assert.match(runtime.listenerErrors()['listener-1'] ?? '', /EADDRINUSE/);

  // The port is free now; the owner dies, and the other worker binds the listener.
  const owner = (await plane.workers()).find((w) => w.listenerErrors?.['listener-1'] !== undefined);
  assert.ok(owner?.pid, 'one worker owns the UDP listener');
  blocker.close();
  blocking = false;
  process.kill(owner.pid, 'SIGKILL');
  await until('the error gone from the runtime view', async () => runtime.listenerErrors()['listener-1'] === undefined);
  assert.equal(runtime.revision, 1, 'the same revision, reported again');
  await until('the owner replaced, and the listener bound again', async () => {
    const slot = (await plane.workers())[owner.slot];
    return slot?.ready && slot.pid !== owner.pid ? slot : undefined;
  });
  assert.deepEqual(runtime.listenerErrors(), {});
  for (const worker of await plane.workers()) assert.deepEqual(worker.listenerErrors, {}, `worker ${worker.slot} reports no listener error`);
});

test('HTTPS and SSL listeners terminate TLS in both workers', async (t) => {
  const ca = createTestCa();
  t.after(() => ca.close());
  const certificate = ca.issueServer(['workers.test']);
  const listenerTls: SnapshotListenerTls = {
    defaultCertificate: certificate.snapshot('cert-1'), sniCertificates: [], clientCaPem: null, clientCrls: [],
    clientAuthentication: 'NONE', versions: null, ciphers: null, alpnProtocols: ['http/1.1'],
  };
  const web = http.createServer((_req, res) => res.end('web'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => web.close(resolve)));
  const echo = await echoServer();
  t.after(() => echo.close());
  const [httpsPort, sslPort] = [await freePort(), await freePort()];
  const plane = createClusteredDataPlane({ workers: 2, logLevel: 'warn' });
  t.after(() => plane.close(1_000));
  const webPool: SnapshotPool = { ...tcpPool('web', [{ id: 'web-1', port: (web.address() as net.AddressInfo).port }]), protocol: 'HTTP' };
  const report = await plane.apply(snapshotOf(1, [
    { ...tcpListener('https-1', httpsPort, 'web'), protocol: 'HTTPS', tls: listenerTls },
    { ...tcpListener('ssl-1', sslPort, 'echo'), protocol: 'SSL', tls: listenerTls },
  ], [webPool, tcpPool('echo', [{ id: 'echo-1', port: echo.port }])]));
  assert.deepEqual(report.listenerErrors, {});

  const httpsGet = (): Promise<string> => new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port: httpsPort, servername: 'workers.test', ca: ca.caPem, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.setTimeout(2_000, () => req.destroy(new Error('timeout')));
  });
  const sslEcho = (): Promise<string> => new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: sslPort, servername: 'workers.test', ca: ca.caPem }, () => socket.write('ping'));
    socket.setEncoding('utf8').once('data', (chunk: string) => {
      socket.destroy();
      resolve(chunk);
    });
    socket.on('error', reject);
    socket.setTimeout(2_000, () => socket.destroy(new Error('timeout')));
  });
  await until('both listeners served by both workers', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? httpsGet() : sslEcho())));
    assert.deepEqual(new Set(answers), new Set(['web', 'ping']));
    const workers = await plane.workers();
    return workers.every((w) => (w.stats?.listeners['https-1']?.total_connections ?? 0) > 0 && (w.stats?.listeners['ssl-1']?.total_connections ?? 0) > 0);
  });
});
