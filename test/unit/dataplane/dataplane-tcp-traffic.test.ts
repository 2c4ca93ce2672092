// TCP traffic through the data plane on real sockets: a 100 MB transfer both ways, PROXY headers,
// connection_limit, allowed_cidrs, refusal when every member is down, members failing and coming
// back, and bad traffic released by the timeouts without leaks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { createDataPlane } from '../../../src/dataplane/dataplane.js';
import type { DataPlane } from '../../../src/dataplane/dataplane.js';
import { RuntimeView } from '../../../src/snapshot/runtime-view.js';
import type { SnapshotListener, SnapshotPool } from '../../../src/snapshot/snapshot.js';
import { eventually, exchange, freePort, makeListener, makeMember, makeMonitor, makePool, makeSnapshot, startEchoServer, startNameServer, startServer } from './support.js';
import type { TestServer } from './support.js';

/** A data plane closed after the test, with one TCP listener over `pool`; it reports into `view`. */
async function serve(t: { after: (fn: () => Promise<void>) => void }, pool: SnapshotPool, listener: Partial<SnapshotListener> = {}): Promise<{ plane: DataPlane; port: number; view: RuntimeView }> {
  const view = new RuntimeView();
  const plane = createDataPlane({ drainMs: 100, runtime: view.part('node') });
  t.after(() => plane.close(0));
  const port = await freePort();
  const report = await plane.apply(makeSnapshot(1, [makeListener({ id: 'l1', port, defaultPoolId: pool.id, ...listener })], [pool]));
  assert.deepEqual(report.listenerErrors, {});
  return { plane, port, view };
}

function closeAfter(t: { after: (fn: () => Promise<void>) => void }, ...servers: TestServer[]): void {
  t.after(async () => {
    for (const server of servers) await server.close();
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once the socket is closed; a FIN from elbow is answered with ours (allowHalfOpen). */
function closed(socket: Socket): Promise<void> {
  socket.once('end', () => socket.end());
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

test('100 MB each way arrive intact (sha256) and are counted', async (t) => {
  const echo = await startEchoServer();
  closeAfter(t, echo);
  const { plane, port } = await serve(t, makePool({ id: 'p', members: [makeMember({ id: 'm', port: echo.port })] }));
  const block = randomBytes(1024 * 1024);
  const blocks = 100;
  const sent = createHash('sha256');
  const received = createHash('sha256');
  let receivedBytes = 0;
  const socket = await open(port);
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      received.update(chunk);
      receivedBytes += chunk.length;
    });
    socket.on('end', () => resolve());
    socket.on('error', reject);
  });
  for (let i = 0; i < blocks; i++) {
    // Vary every block so a reordered or repeated block changes the digest.
    block.writeUInt32BE(i, 0);
    sent.update(block);
    if (!socket.write(Buffer.from(block))) await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
  await done;
  assert.equal(receivedBytes, blocks * block.length);
  assert.equal(received.digest('hex'), sent.digest('hex'));
  await eventually('stats settle', async () => (await plane.stats()).listeners.l1?.active_connections === 0);
  const stats = (await plane.stats()).listeners.l1;
  assert.equal(stats?.bytes_in, blocks * block.length);
  assert.equal(stats?.bytes_out, blocks * block.length);
});

/** A member that reports the PROXY header it got and the bytes after it, once the client is done. */
function startProxyReportingServer(): Promise<TestServer> {
  return startServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      const data = Buffer.concat(chunks);
      if (data.subarray(0, 6).toString() === 'PROXY ') {
        const end = data.indexOf('\r\n');
        return socket.end(JSON.stringify({ v1: data.subarray(0, end).toString(), rest: data.subarray(end + 2).toString() }));
      }
      const length = data.readUInt16BE(14);
      const body = data.subarray(16, 16 + length);
      socket.end(
        JSON.stringify({
          v2: { command: data[12], family: data[13], source: [...body.subarray(0, 4)].join('.'), destination: [...body.subarray(4, 8)].join('.'), sourcePort: body.readUInt16BE(8), destinationPort: body.readUInt16BE(10) },
          rest: data.subarray(16 + length).toString(),
        }),
      );
    });
  });
}

async function proxiedExchange(port: number): Promise<{ reply: unknown; clientPort: number }> {
  const socket = await open(port);
  const clientPort = socket.localPort ?? 0;
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.end('payload');
  await closed(socket);
  return { reply: JSON.parse(Buffer.concat(chunks).toString()), clientPort };
}

test('PROXY pools get a v1 header with the client address before the first byte', async (t) => {
  const member = await startProxyReportingServer();
  closeAfter(t, member);
  const { port } = await serve(t, makePool({ id: 'p', protocol: 'PROXY', members: [makeMember({ id: 'm', port: member.port })] }));
  const { reply, clientPort } = await proxiedExchange(port);
  assert.deepEqual(reply, { v1: `PROXY TCP4 127.0.0.1 127.0.0.1 ${clientPort} ${port}`, rest: 'payload' });
});

test('PROXYV2 pools get a v2 binary header', async (t) => {
  const member = await startProxyReportingServer();
  closeAfter(t, member);
  const { port } = await serve(t, makePool({ id: 'p', protocol: 'PROXYV2', members: [makeMember({ id: 'm', port: member.port })] }));
  const { reply, clientPort } = await proxiedExchange(port);
  assert.deepEqual(reply, { v2: { command: 0x21, family: 0x11, source: '127.0.0.1', destination: '127.0.0.1', sourcePort: clientPort, destinationPort: port }, rest: 'payload' });
});

test('connection_limit: connections over the limit are closed at once', async (t) => {
  const echo = await startEchoServer();
  closeAfter(t, echo);
  const { plane, port } = await serve(t, makePool({ id: 'p', members: [makeMember({ id: 'm', port: echo.port })] }), { connectionLimit: 1 });
  const first = await open(port);
  first.write('x');
  await new Promise((resolve) => first.once('data', resolve));
  const refused = await exchange(port, 'y');
  assert.equal(refused.reply, '');
  first.end();
  await closed(first);
  await eventually('slot free', async () => (await plane.stats()).listeners.l1?.active_connections === 0);
  assert.equal((await exchange(port, 'z')).reply, 'z');
  assert.equal((await plane.stats()).listeners.l1?.request_errors, 1);
});

test('allowed_cidrs: a client outside them is refused before any member is contacted', async (t) => {
  let memberConnections = 0;
  const member = await startServer((socket) => {
    memberConnections++;
    socket.end('hello');
  });
  closeAfter(t, member);
  const pool = makePool({ id: 'p', members: [makeMember({ id: 'm', port: member.port })] });
  const { plane, port } = await serve(t, pool, { accessControl: { allowedCidrs: ['10.0.0.0/8'], ipGroup: null } });
  assert.equal((await exchange(port)).reply, '');
  assert.equal(memberConnections, 0);
  await plane.apply(makeSnapshot(2, [makeListener({ id: 'l1', port, defaultPoolId: 'p', accessControl: { allowedCidrs: ['127.0.0.0/8'], ipGroup: null } })], [pool]));
  assert.equal((await exchange(port)).reply, 'hello');
  await plane.apply(makeSnapshot(3, [makeListener({ id: 'l1', port, defaultPoolId: 'p', accessControl: { allowedCidrs: [], ipGroup: { type: 'black', cidrs: ['127.0.0.1'] } } })], [pool]));
  assert.equal((await exchange(port)).reply, '');
  assert.equal(memberConnections, 1);
});

test('every member down: new connections are refused at once', async (t) => {
  const gone = await freePort();
  const pool = makePool({ id: 'p', members: [makeMember({ id: 'm', port: gone })], healthMonitor: makeMonitor() });
  const { port, view } = await serve(t, pool);
  await eventually('member marked down', () => view.memberStatus('m') === 'ERROR');
  const socket = connect({ host: '127.0.0.1', port });
  const outcome = await new Promise<string>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.on('close', () => resolve('closed'));
    socket.on('data', () => resolve('data'));
  });
  assert.ok(outcome === 'ECONNRESET' || outcome === 'closed', outcome);
});

test('a member killed under traffic: no client fails, the monitor takes it out, and it comes back', async (t) => {
  const a = await startNameServer('a');
  let b = await startNameServer('b');
  const bPort = b.port;
  t.after(async () => {
    await a.close();
    await b.close();
  });
  const pool = makePool({ id: 'p', members: [makeMember({ id: 'm-a', port: a.port }), makeMember({ id: 'm-b', port: bPort })], healthMonitor: makeMonitor({ intervalMs: 50, fallCount: 2 }) });
  const { port, view } = await serve(t, pool);
  await eventually('both up', () => Object.values(view.memberStatuses()).every((s) => s === 'ONLINE'));

  const failures: string[] = [];
  const seen = { a: 0, b: 0 };
  let stop = false;
  const traffic = (async () => {
    while (!stop) {
      const { reply, error } = await exchange(port);
      if (error || (reply !== 'a' && reply !== 'b')) failures.push(error?.message ?? `reply ${JSON.stringify(reply)}`);
      else seen[reply]++;
    }
  })();
  await eventually('traffic reaches both', () => seen.a > 5 && seen.b > 5);
  await b.close();
  await eventually('member b marked down', () => view.memberStatus('m-b') === 'ERROR');
  const afterDown = { ...seen };
  await eventually('more traffic', () => seen.a > afterDown.a + 20);
  assert.equal(seen.b, afterDown.b, 'no connection went to the member once it was down');

  b = await startNameServer('b', bPort);
  await eventually('member b back', () => view.memberStatus('m-b') === 'ONLINE');
  const afterUp = seen.b;
  await eventually('traffic reaches b again', () => seen.b > afterUp + 5);
  stop = true;
  await traffic;
  assert.deepEqual(failures, []);
});

test('bad traffic is released by the timeouts and nothing leaks', async (t) => {
  const echo = await startEchoServer();
  // Accepts, reads, never answers (but closes when elbow does).
  const mute = await startServer((socket) => {
    socket.resume();
    socket.on('end', () => socket.end());
  });
  closeAfter(t, echo, mute);
  const plane = createDataPlane({ drainMs: 100 });
  t.after(() => plane.close(0));
  const [quietPort, mutePort] = [await freePort(), await freePort()];
  const pools = [makePool({ id: 'echo', members: [makeMember({ id: 'e', port: echo.port })] }), makePool({ id: 'mute', members: [makeMember({ id: 'x', port: mute.port })] })];
  const timeouts = (clientData: number, memberData: number) => ({ clientData, memberConnect: 1000, memberData });
  await plane.apply(
    makeSnapshot(1, [makeListener({ id: 'quiet', port: quietPort, defaultPoolId: 'echo', timeouts: timeouts(200, 60_000) }), makeListener({ id: 'mute', port: mutePort, defaultPoolId: 'mute', timeouts: timeouts(60_000, 200) })], pools),
  );

  // A client that connects and sends nothing is closed by timeout_client_data.
  const silent = await open(quietPort);
  silent.on('error', () => undefined);
  await closed(silent);

  // A member that never answers is cut by timeout_member_data; the client is closed too.
  const waiting = await open(mutePort);
  waiting.on('error', () => undefined);
  waiting.write('anyone there?');
  await closed(waiting);

  // A client that resets mid-stream: the member side is closed as well.
  const resetting = await open(quietPort);
  resetting.write('partial');
  await new Promise((resolve) => resetting.once('data', resolve));
  resetting.resetAndDestroy();

  await eventually('every connection released', async () => {
    const stats = await plane.stats();
    return stats.listeners.quiet?.active_connections === 0 && stats.listeners.mute?.active_connections === 0 && echo.sockets.size === 0 && mute.sockets.size === 0;
  });
  assert.match(await plane.metrics(), /elbow_member_connections_active\{member="e",pool="echo"\} 0/);
  assert.match(await plane.metrics(), /elbow_member_connections_active\{member="x",pool="mute"\} 0/);
});

test('a member that does not complete the connect within timeout_member_connect: the next member takes the client', async (t) => {
  // A listener with a full accept queue that never accepts: further SYNs go unanswered.
  const { spawn } = await import('node:child_process');
  const stuck = spawn('python3', ['-c', 'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(async () => void stuck.kill('SIGKILL'));
  const stuckPort = Number(await new Promise<string>((resolve) => stuck.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))));
  const fillers: Socket[] = [];
  t.after(async () => fillers.forEach((s) => s.destroy()));
  for (;;) {
    const filler = connect({ host: '127.0.0.1', port: stuckPort });
    filler.on('error', () => undefined);
    fillers.push(filler);
    const connected = await new Promise<boolean>((resolve) => {
      filler.once('connect', () => resolve(true));
      setTimeout(() => resolve(false), 300);
    });
    if (!connected) break;
  }
  const good = await startNameServer('good');
  closeAfter(t, good);
  const pool = makePool({ id: 'p', members: [makeMember({ id: 'stuck', port: stuckPort }), makeMember({ id: 'good', port: good.port })] });
  const { plane, port } = await serve(t, pool, { timeouts: { clientData: 5000, memberConnect: 200, memberData: 5000 } });
  for (let i = 0; i < 4; i++) {
    const { reply, error } = await exchange(port);
    assert.equal(error, null);
    assert.equal(reply, 'good');
  }
  assert.equal((await plane.stats()).listeners.l1?.request_errors, 0);
});
