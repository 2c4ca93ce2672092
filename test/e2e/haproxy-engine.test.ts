// The HAProxy engine's own duties, beyond the behaviour suite both engines pass: runtime changes
// without a reload, one reload otherwise, an address that cannot be bound reported per listener,
// health and stick tables carried across reloads, counters that never go backwards, a long-lived
// connection kept through a reload of other listeners, supervision after a crash, and no orphan
// left serving after elbow is killed.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createHaproxyEngine, type HaproxyEngine, type HaproxyEngineOptions } from '../../src/engines/haproxy/engine.js';
import { RuntimeView } from '../../src/snapshot/runtime-view.js';
import type { SnapshotListener, SnapshotPolicy, SnapshotPool } from '../../src/snapshot/snapshot.js';
import { createTestCa } from '../helpers/test-ca.js';
import { haproxyMissing } from '../helpers/haproxy.js';
import { eventually, exchange, freePort, makeListener, makeMember, makeMonitor, makePool, makeSnapshot, startEchoServer, startNameServer, startServer } from '../unit/dataplane/support.js';

const run = promisify(execFile);

async function engine(t: TestContext, options: Partial<HaproxyEngineOptions> = {}): Promise<{ engine: HaproxyEngine; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'elbow-hx-'));
  const created = await createHaproxyEngine({ dataDir, drainMs: 5_000, ...options });
  t.after(async () => {
    await created.close(0);
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { engine: created, dataDir };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('HAProxy engine', { skip: haproxyMissing(), timeout: 120_000 }, () => {
  it('members change at runtime, a new listener is one reload, and each serves when apply returns', async (t) => {
    const a = await startNameServer('a');
    const b = await startNameServer('b');
    t.after(async () => { await a.close(); await b.close(); });
    const { engine: hx } = await engine(t);
    const [port, port2] = [await freePort(), await freePort()];
    const pool = makePool({ id: 'p', members: [makeMember({ id: 'm-a', port: a.port })] });
    const listener = makeListener({ id: 'l', port, defaultPoolId: 'p' });
    assert.deepEqual(await hx.apply(makeSnapshot(1, [listener], [pool])), { revision: 1, listenerErrors: {} });
    assert.equal((await exchange(port, '', false)).reply, 'a');
    // Member added, then the first removed: no reload.
    await hx.apply(makeSnapshot(2, [listener], [{ ...pool, members: [...pool.members, makeMember({ id: 'm-b', port: b.port })] }]));
    await hx.apply(makeSnapshot(3, [listener], [{ ...pool, members: [makeMember({ id: 'm-b', port: b.port })] }]));
    assert.equal(hx.reloads, 0);
    for (let i = 0; i < 4; i++) assert.equal((await exchange(port, '', false)).reply, 'b');
    // A new listener: one reload; it serves as soon as apply returns.
    await hx.apply(makeSnapshot(4, [listener, makeListener({ id: 'l2', port: port2, defaultPoolId: 'p' })], [{ ...pool, members: [makeMember({ id: 'm-b', port: b.port })] }]));
    assert.equal(hx.reloads, 1);
    assert.equal((await exchange(port2, '', false)).reply, 'b');
  });

  it('a listener whose address is taken is ERROR with the reason; the others serve, and it binds once free', async (t) => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const held = (squatter.address() as { port: number }).port;
    const member = await startNameServer('m');
    t.after(async () => { await member.close(); if (squatter.listening) await new Promise((resolve) => squatter.close(resolve)); });
    const runtime = new RuntimeView();
    const { engine: hx } = await engine(t, { runtime: runtime.part('haproxy') });
    const port = await freePort();
    const pool = makePool({ id: 'p', members: [makeMember({ id: 'm', port: member.port })] });
    const listeners = [makeListener({ id: 'held', port: held, defaultPoolId: 'p' }), makeListener({ id: 'free', port, defaultPoolId: 'p' })];
    const report = await hx.apply(makeSnapshot(1, listeners, [pool]));
    assert.deepEqual(runtime.listenerErrors(), report.listenerErrors, 'in the runtime view when apply resolves');
    assert.deepEqual(Object.keys(report.listenerErrors), ['held']);
    assert.match(report.listenerErrors.held ?? '', new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${held}`));
    assert.equal((await exchange(port, '', false)).reply, 'm');
    assert.deepEqual(runtime.listenerErrors(), report.listenerErrors, 'still, once traffic flows');
    await new Promise((resolve) => squatter.close(resolve));
    assert.deepEqual((await hx.apply(makeSnapshot(2, listeners, [pool]))).listenerErrors, {});
    assert.deepEqual(runtime.listenerErrors(), {});
    assert.equal((await exchange(held, '', false)).reply, 'm');
  });

  it('a member found down stays down through a reload, and SOURCE_IP stickiness survives it', async (t) => {
    const a = await startNameServer('a');
    const b = await startNameServer('b');
    const gone = await freePort();
    t.after(async () => { await a.close(); await b.close(); });
    const runtime = new RuntimeView();
    const { engine: hx } = await engine(t, { runtime: runtime.part('haproxy') });
    const [port, other] = [await freePort(), await freePort()];
    const monitor = makeMonitor({ intervalMs: 100, timeoutMs: 500, riseCount: 2, fallCount: 1 });
    const down = makePool({ id: 'down', members: [makeMember({ id: 'dead', port: gone }), makeMember({ id: 'alive', port: a.port })], healthMonitor: monitor });
    const sticky = makePool({ id: 'sticky', members: [makeMember({ id: 's-a', port: a.port }), makeMember({ id: 's-b', port: b.port })], sessionPersistence: { type: 'SOURCE_IP', cookieName: null, timeoutSeconds: 300, granularity: null } });
    const listeners: SnapshotListener[] = [makeListener({ id: 'l', port, defaultPoolId: 'down' }), makeListener({ id: 's', port: other, defaultPoolId: 'sticky' })];
    await hx.apply(makeSnapshot(1, listeners, [down, sticky]));
    // Marked down, and read into the runtime view by the engine's own polling of show stat.
    await eventually('dead member ERROR in the runtime view', async () => runtime.memberStatus('dead') === 'ERROR');
    assert.equal(runtime.memberStatus('alive'), 'ONLINE');
    const first = (await exchange(other, '', false)).reply;
    assert.equal(first, 'a', 'round robin starts with the first member');
    // An unrelated listener is added: a reload. The members are listed the other way round, so a
    // new worker without the table would start with b.
    const reversed = { ...sticky, members: [...sticky.members].reverse() };
    await hx.apply(makeSnapshot(2, [...listeners, makeListener({ id: 'x', port: await freePort(), defaultPoolId: 'sticky' })], [down, reversed]));
    assert.equal(hx.reloads, 1);
    // metrics() reads the new worker's show stat afresh.
    assert.match(await hx.metrics(), /^elbow_member_up\{member="dead",pool="down"\} 0$/m, 'the new worker starts with the health the old one found');
    assert.equal(runtime.memberStatus('dead'), 'ERROR', 'the reload\'s report carries the health found before it');
    for (let i = 0; i < 6; i++) assert.equal((await exchange(port, '', false)).reply, 'a');
    for (let i = 0; i < 6; i++) assert.equal((await exchange(other, '', false)).reply, first, 'the stick table came through the reload');
  });

  it('counters never go backwards across reloads; a long-lived TCP connection outlives a reload of other listeners', async (t) => {
    const echo = await startEchoServer();
    const named = await startNameServer('n');
    t.after(async () => { await echo.close(); await named.close(); });
    const { engine: hx } = await engine(t);
    const port = await freePort();
    const pools: SnapshotPool[] = [makePool({ id: 'echo', members: [makeMember({ id: 'e', port: echo.port })] }), makePool({ id: 'n', members: [makeMember({ id: 'nm', port: named.port })] })];
    const kept = makeListener({ id: 'kept', port, defaultPoolId: 'echo' });
    await hx.apply(makeSnapshot(1, [kept], pools));
    const socket: Socket = connect({ host: '127.0.0.1', port });
    t.after(() => socket.destroy());
    const echoed = async (text: string): Promise<string> => {
      socket.write(text);
      return (await new Promise<Buffer>((resolve) => socket.once('data', resolve))).toString();
    };
    assert.equal(await echoed('one'), 'one');
    let previous = 0;
    for (let revision = 2; revision <= 4; revision++) {
      const extra = makeListener({ id: `extra-${revision}`, port: await freePort(), defaultPoolId: 'n' });
      await hx.apply(makeSnapshot(revision, [kept, extra], pools));
      assert.equal((await exchange(extra.port, '', false)).reply, 'n');
      for (let i = 0; i < 3; i++) assert.equal((await exchange(port, 'x')).reply, 'x');
      assert.equal(await echoed(`after reload ${revision}`), `after reload ${revision}`);
      const total = (await hx.stats()).listeners.kept?.total_connections ?? 0;
      assert.ok(total >= previous + 3, `total_connections ${total} after ${previous}`);
      previous = total;
    }
    assert.equal(hx.reloads, 3);
  });

  it('HAProxy killed: restarted with the latest configuration', async (t) => {
    const member = await startNameServer('m');
    t.after(() => member.close());
    const { engine: hx } = await engine(t);
    const port = await freePort();
    await hx.apply(makeSnapshot(1, [makeListener({ id: 'l', port, defaultPoolId: 'p' })], [makePool({ id: 'p', members: [makeMember({ id: 'm', port: member.port })] })]));
    const first = hx.masterPid;
    assert.ok(first !== undefined);
    process.kill(first, 'SIGKILL');
    await eventually('haproxy restarted', () => hx.masterPid !== undefined && hx.masterPid !== first, 20_000);
    await eventually('serving again', async () => (await exchange(port, '', false)).reply === 'm', 20_000);
  });

  it('an elbow killed with -9 leaves no HAProxy serving stale configuration once the next one starts', async (t) => {
    const member = await startNameServer('m');
    t.after(() => member.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'elbow-hx-orphan-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    // An elbow-like process that serves one listener, without the parent-death signal (the other safeguard).
    const script = `
      import { createHaproxyEngine } from ${JSON.stringify(new URL('../../src/engines/haproxy/engine.ts', import.meta.url).pathname)};
      const engine = await createHaproxyEngine({ dataDir: process.env.DIR, parentDeathSignal: false });
      const member = { id: 'm', name: 'm', address: '127.0.0.1', port: ${member.port}, weight: 1, backup: false, enabled: true, monitorAddress: '127.0.0.1', monitorPort: ${member.port} };
      await engine.apply({ revision: 1, pools: { p: { id: 'p', name: 'p', protocol: 'TCP', algorithm: 'ROUND_ROBIN', enabled: true, sessionPersistence: null, members: [member], healthMonitor: null, tls: null } },
        listeners: [{ id: 'l', loadBalancerId: 'lb', name: 'l', protocol: 'TCP', transport: 'tcp', address: '127.0.0.1', port: ${port}, enabled: true, connectionLimit: -1,
          timeouts: { clientData: 5000, memberConnect: 1000, memberData: 5000 }, insertHeaders: {}, accessControl: { allowedCidrs: [], ipGroup: null }, defaultPoolId: 'p', tls: null, policies: [], accessLog: false }] });
      console.log('serving', engine.masterPid);
      setInterval(() => undefined, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => child.kill('SIGKILL'));
    const line = await new Promise<string>((resolve) => child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('serving')) resolve(chunk.toString()); }));
    const orphan = Number(/serving (\d+)/.exec(line)?.[1]);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    await sleep(200);
    assert.ok(alive(orphan), 'without the parent-death signal HAProxy outlives its elbow');
    assert.equal((await exchange(port, '', false)).reply, 'm', 'the orphan still serves the old configuration');
    // The next elbow on the same data directory stops it before doing anything else.
    const next = await createHaproxyEngine({ dataDir, drainMs: 1000 });
    t.after(() => next.close(0));
    await eventually('orphan gone', () => !alive(orphan));
    assert.notEqual((await exchange(port, '', false)).reply, 'm');
  });

  it('access logs in elbow\'s JSON-lines format', async (t) => {
    const backend = createServer();
    t.after(() => new Promise((resolve) => backend.close(resolve)));
    const member = await startNameServer('unused');
    t.after(() => member.close());
    const { createServer: createHttpServer } = await import('node:http');
    const http = createHttpServer((req, res) => res.end('ok'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => { http.closeAllConnections(); http.close(resolve); }));
    const logDir = mkdtempSync(join(tmpdir(), 'elbow-hx-log-'));
    t.after(() => rmSync(logDir, { recursive: true, force: true }));
    const { engine: hx } = await engine(t, { accessLogDir: logDir });
    const port = await freePort();
    await hx.apply(makeSnapshot(1, [makeListener({ id: 'web', protocol: 'HTTP', port, defaultPoolId: 'p', accessLog: true })], [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: (http.address() as { port: number }).port })] })]));
    const answer = await fetch(`http://127.0.0.1:${port}/logged?x="1"`, { method: 'POST', body: 'abc' });
    assert.equal(await answer.text(), 'ok');
    let entry: Record<string, unknown> | undefined;
    await eventually('access log written', () => {
      try {
        entry = JSON.parse(readFileSync(join(logDir, 'web.log'), 'utf8').split('\n')[0] ?? '') as Record<string, unknown>;
        return true;
      } catch {
        return false;
      }
    });
    assert.equal(entry?.listener_id, 'web');
    assert.equal(entry?.method, 'POST');
    assert.equal(entry?.path, '/logged?x=%221%22');
    assert.equal(entry?.status, 200);
    assert.equal(entry?.member, `127.0.0.1:${(http.address() as { port: number }).port}`);
    assert.match(String(entry?.client), /^127\.0\.0\.1:\d+$/);
    assert.ok(Number(entry?.bytes_in) > 3 && Number(entry?.bytes_out) > 0);
    assert.match(String(entry?.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('HSTS on every answer, its own included; a revoked client certificate is refused (crl-file)', async (t) => {
    const ca = createTestCa();
    t.after(() => ca.close());
    const { createServer: createHttpServer } = await import('node:http');
    const http = createHttpServer((req, res) => res.end(`hello ${String(req.headers['x-ssl-client-cn'] ?? '')}`));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => { http.closeAllConnections(); http.close(resolve); }));
    const [good, revoked] = [ca.issueClient('good'), ca.issueClient('revoked')];
    const crl = ca.revoke(revoked);
    const { engine: hx } = await engine(t);
    const port = await freePort();
    const fixed: SnapshotPolicy = { id: 'p-fixed', position: 1, action: 'FIXED_RESPONSE', rules: [{ id: 'r', type: 'PATH', compareType: 'EQUAL_TO', key: null, value: '/fixed', invert: false }], redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: { status_code: '200', content_type: 'text/plain', message_body: 'fixed' } };
    const listener = makeListener({
      id: 'https',
      protocol: 'TERMINATED_HTTPS',
      port,
      defaultPoolId: 'p',
      insertHeaders: { 'X-SSL-Client-CN': 'true' },
      policies: [fixed],
      tls: { defaultCertificate: ca.issueServer(['localhost']).snapshot('cert'), sniCertificates: [], clientCaPem: ca.caPem, clientCrls: [crl], clientAuthentication: 'MANDATORY', versions: null, ciphers: null, alpnProtocols: [] },
      hsts: { maxAge: 600, includeSubdomains: true, preload: false },
    });
    await hx.apply(makeSnapshot(1, [listener], [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: (http.address() as { port: number }).port })] })]));
    const curl = (client: { certFile: string; keyFile: string }, path: string) =>
      run('curl', ['-sS', '-i', '--max-time', '5', '--cacert', ca.caFile, '--cert', client.certFile, '--key', client.keyFile, `https://localhost:${port}${path}`, '--resolve', `localhost:${port}:127.0.0.1`]);
    const proxied = (await curl(good, '/')).stdout;
    assert.match(proxied, /^strict-transport-security: max-age=600; includeSubDomains\r$/im);
    assert.match(proxied, /hello good$/);
    const own = (await curl(good, '/fixed')).stdout;
    assert.match(own, /^strict-transport-security: max-age=600; includeSubDomains\r$/im);
    assert.match(own, /fixed$/);
    await assert.rejects(curl(revoked, '/'), /curl: \(\d+\)/);
  });

  it('SOURCE_IP persistence_granularity: clients of one network share a member', async (t) => {
    const a = await startNameServer('a');
    const b = await startNameServer('b');
    t.after(async () => { await a.close(); await b.close(); });
    const { engine: hx } = await engine(t);
    const port = await freePort();
    const pool = makePool({ id: 'p', members: [makeMember({ id: 'm-a', port: a.port }), makeMember({ id: 'm-b', port: b.port })], sessionPersistence: { type: 'SOURCE_IP', cookieName: null, timeoutSeconds: 60, granularity: '255.255.255.0' } });
    await hx.apply(makeSnapshot(1, [makeListener({ id: 'l', port, defaultPoolId: 'p' })], [pool]));
    const replies: string[] = [];
    for (let host = 1; host <= 6; host++) replies.push(await replyFrom(port, `127.0.0.${host}`));
    assert.equal(new Set(replies).size, 1, replies.join(' '));
  });
  it('a REGEX rule PCRE2 cannot compile (JavaScript can) puts its listener in ERROR; the others serve', async (t) => {
    const a = await startNameServer('a');
    t.after(() => a.close());
    const { engine: hx } = await engine(t);
    const [port, port2] = [await freePort(), await freePort()];
    const policy: SnapshotPolicy = { id: 'p-js', position: 1, action: 'REJECT', rules: [{ id: 'r', type: 'PATH', compareType: 'REGEX', key: null, value: '^/\\u0041', invert: false }], redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: null };
    assert.ok(new RegExp(policy.rules[0]?.value ?? '').test('/A'), 'JavaScript compiles it');
    const report = await hx.apply(makeSnapshot(1, [makeListener({ id: 'js', protocol: 'HTTP', port, defaultPoolId: 'p', policies: [policy] }), makeListener({ id: 'tcp', port: port2, defaultPoolId: 'p' })], [makePool({ id: 'p', members: [makeMember({ id: 'm', port: a.port })] })]));
    assert.deepEqual(Object.keys(report.listenerErrors), ['js']);
    assert.match(report.listenerErrors.js ?? '', /\\u|PCRE|regex/i);
    assert.equal((await replyFrom(port2, '127.0.0.1')), 'a');
  });
  it('requests HAProxy would pass on and Node refuses (NUL or \\x01 in a header, HTTP/1.1 without Host, a 20-digit Content-Length) are a 400, the member sees none', async (t) => {
    // A member with no parser of its own: it records the bytes it gets and answers each head.
    let received = '';
    const member = await startServer((socket) => {
      socket.setEncoding('latin1').on('data', (chunk: string) => {
        received += chunk;
        if (chunk.includes('\r\n\r\n')) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
      });
    });
    t.after(() => member.close());
    const { engine: hx } = await engine(t);
    const port = await freePort();
    await hx.apply(makeSnapshot(1, [makeListener({ id: 'web', protocol: 'HTTP', port, defaultPoolId: 'p' })], [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    const ask = (head: string) => rawExchange(port, `${head}\r\n\r\n`);
    assert.match(await ask('GET / HTTP/1.1\r\nHost: a'), /^HTTP\/1\.1 200 /);
    for (const head of ['GET / HTTP/1.1\r\nHost: a\r\nX-A: v\x00w', 'GET / HTTP/1.1\r\nHost: a\r\nX-A: \x01v', 'GET / HTTP/1.1', 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616']) {
      assert.match(await ask(head), /^HTTP\/1\.1 400 /, JSON.stringify(head));
    }
    assert.equal(received.match(/^(GET|POST) /gm)?.length, 1, JSON.stringify(received));
  });
});

/** The member's name, asked from `localAddress`; the client's side stays open until the answer (no half-close: docs/engines.md). */
function replyFrom(port: number, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
  });
}

/** Writes raw bytes, returns everything the listener answers until it closes (bounded). */
function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(5_000, () => socket.destroy());
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      answer += chunk;
      if (/\r\n\r\n/.test(answer) && !/^HTTP\/1\.1 200/.test(answer)) socket.end();
      if (/^HTTP\/1\.1 200[\s\S]*\r\n\r\nok$/.test(answer)) socket.end();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    socket.write(Buffer.from(raw, 'latin1'));
  });
}
