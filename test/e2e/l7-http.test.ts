// HTTP listener end to end: real clients (curl, node:http, raw sockets, ws) → elbow's HTTP listener
// → real HTTP members on 127.0.0.1, with the test-only pool context of test/helpers/fake-pools.ts.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { createHttpListener } from '../../src/dataplane/listeners/http.js';
import type { SnapshotPolicy, SnapshotRule } from '../../src/snapshot/snapshot.js';
import { FakeContext, listener, member, pool } from '../helpers/fake-pools.js';
import { freePort, rawExchange, send, startBackend, startListener } from '../helpers/l7-harness.js';

const run = promisify(execFile);

function rule(type: SnapshotRule['type'], compareType: SnapshotRule['compareType'], value: string, key: string | null = null): SnapshotRule {
  return { id: `${type}-${value}`, type, compareType, key, value, invert: false };
}

function policy(position: number, action: SnapshotPolicy['action'], rules: SnapshotRule[], extra: Partial<SnapshotPolicy> = {}): SnapshotPolicy {
  return { id: `p${position}`, position, action, rules, redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: null, ...extra };
}

describe('HTTP listener', () => {
  it('proxies curl to members round robin, inserts X-Forwarded-* and removes hop-by-hop headers', async (t) => {
    const a = await startBackend(t, 'a');
    const b = await startBackend(t, 'b');
    const context = new FakeContext([pool('pool-1', [member(a.port), member(b.port)])]);
    const insertHeaders = { 'X-Forwarded-For': 'true', 'X-Forwarded-Port': 'true', 'X-Forwarded-Proto': 'true', 'X-Real-IP': 'true', 'X-Forwarded-Host': 'true', 'X-Forwarded-ELB-IP': 'true' };
    const { port } = await startListener(t, createHttpListener, listener({ insertHeaders }), context);
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { stdout } = await run('curl', ['-s', '-m', '10', '-H', 'X-Forwarded-For: 203.0.113.7', '-H', 'Connection: keep-alive, X-Secret', '-H', 'X-Secret: 1', '-H', 'Proxy-Authorization: x', '-H', 'Keep-Alive: 5', `http://127.0.0.1:${port}/path?q=1`]);
      bodies.push(stdout);
    }
    assert.deepEqual(bodies.sort(), ['a', 'a', 'b', 'b']);
    const seen = a.seen[0];
    assert.ok(seen);
    assert.equal(seen.url, '/path?q=1');
    assert.equal(seen.headers.host, `127.0.0.1:${port}`);
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
    assert.equal(seen.headers['x-forwarded-port'], String(port));
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-real-ip'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-host'], `127.0.0.1:${port}`);
    assert.equal(seen.headers['x-forwarded-elb-ip'], '127.0.0.1');
    assert.equal(seen.headers['x-secret'], undefined);
    assert.equal(seen.headers['proxy-authorization'], undefined);
    assert.equal(seen.headers['keep-alive'], undefined);
    assert.deepEqual(context.stats.responses, [200, 200, 200, 200]);
    assert.ok(context.stats.bytesInTotal > 0 && context.stats.bytesOutTotal > 0);
  });

  it('inserts nothing when insert_headers are off or "false"', async (t) => {
    const a = await startBackend(t, 'a');
    const context = new FakeContext([pool('pool-1', [member(a.port)])]);
    const { port } = await startListener(t, createHttpListener, listener({ insertHeaders: { 'X-Forwarded-For': 'false' } }), context);
    await send(port, '/');
    assert.equal(a.seen[0]?.headers['x-forwarded-for'], undefined);
    assert.equal(a.seen[0]?.headers['x-forwarded-proto'], undefined);
  });

  it('routes each policy action and rule type as configured', async (t) => {
    const web = await startBackend(t, 'web');
    const api = await startBackend(t, 'api');
    const images = await startBackend(t, 'images');
    const context = new FakeContext([
      pool('pool-1', [member(web.port)]),
      pool('api', [member(api.port)]),
      pool('images', [member(images.port)]),
    ]);
    const policies: SnapshotPolicy[] = [
      policy(1, 'REJECT', [rule('PATH', 'STARTS_WITH', '/admin')]),
      policy(2, 'REDIRECT_TO_URL', [rule('PATH', 'EQUAL_TO', '/old')], { redirectUrl: 'https://example.org/new', redirectHttpCode: 301 }),
      policy(3, 'REDIRECT_PREFIX', [rule('PATH', 'STARTS_WITH', '/moved')], { redirectPrefix: 'https://example.org' }),
      policy(4, 'FIXED_RESPONSE', [rule('PATH', 'EQUAL_TO', '/health')], { fixedResponse: { status_code: '200', content_type: 'text/plain', message_body: 'fine' } }),
      policy(5, 'REDIRECT_TO_LISTENER', [rule('PATH', 'STARTS_WITH', '/secure')], { redirectListener: { protocol: 'HTTPS', port: 8443 } }),
      policy(6, 'REDIRECT_TO_POOL', [rule('HOST_NAME', 'EQUAL_TO', '*.api.test')], { redirectPoolId: 'api' }),
      policy(7, 'REDIRECT_TO_POOL', [rule('HEADER', 'EQUAL_TO', 'beta', 'X-Channel')], { redirectPoolId: 'api' }),
      policy(8, 'REDIRECT_TO_POOL', [rule('COOKIE', 'EQUAL_TO', 'api', 'backend')], { redirectPoolId: 'api' }),
      policy(9, 'REDIRECT_TO_POOL', [rule('FILE_TYPE', 'REGEX', '^(png|jpg)$')], { redirectPoolId: 'images' }),
      policy(10, 'REDIRECT_TO_POOL', [rule('METHOD', 'EQUAL_TO', 'DELETE')], { redirectPoolId: 'api' }),
      policy(11, 'REDIRECT_TO_POOL', [rule('QUERY_STRING', 'EQUAL_TO', 'images', 'to')], { redirectPoolId: 'images' }),
      policy(12, 'REDIRECT_TO_POOL', [rule('SOURCE_IP', 'EQUAL_TO', '127.0.0.0/8'), rule('PATH', 'STARTS_WITH', '/local')], { redirectPoolId: 'images' }),
    ];
    const { port } = await startListener(t, createHttpListener, listener({ policies }), context);
    assert.equal((await send(port, '/admin/x')).status, 403);
    const old = await send(port, '/old');
    assert.deepEqual([old.status, old.headers.location], [301, 'https://example.org/new']);
    const moved = await send(port, '/moved/a?b=c');
    assert.deepEqual([moved.status, moved.headers.location], [302, 'https://example.org/moved/a?b=c']);
    const health = await send(port, '/health');
    assert.deepEqual([health.status, health.body, health.headers['content-type']], [200, 'fine', 'text/plain']);
    const secure = await send(port, '/secure/x', { headers: { host: 'shop.test' } });
    assert.equal(secure.headers.location, 'https://shop.test:8443/secure/x');
    assert.equal((await send(port, '/', { headers: { host: 'v1.api.test' } })).body, 'api');
    assert.equal((await send(port, '/', { headers: { host: 'api.test' } })).body, 'web');
    assert.equal((await send(port, '/', { headers: { 'x-channel': 'beta' } })).body, 'api');
    assert.equal((await send(port, '/', { headers: { cookie: 'a=b; backend=api' } })).body, 'api');
    assert.equal((await send(port, '/img/logo.png')).body, 'images');
    assert.equal((await send(port, '/x', { method: 'DELETE' })).body, 'api');
    assert.equal((await send(port, '/x?to=images')).body, 'images');
    assert.equal((await send(port, '/local/x')).body, 'images');
    assert.equal((await send(port, '/index.html')).body, 'web');
    assert.equal(web.seen.some((r) => r.url.startsWith('/admin')), false);
  });

  it('HTTP_COOKIE persistence keeps a client on one member and hides the cookie from it', async (t) => {
    const a = await startBackend(t, 'a');
    const b = await startBackend(t, 'b');
    const context = new FakeContext([pool('pool-1', [member(a.port), member(b.port)], { sessionPersistence: { type: 'HTTP_COOKIE', cookieName: null, timeoutSeconds: 0, granularity: null } })]);
    const { port } = await startListener(t, createHttpListener, listener(), context);
    const first = await send(port, '/');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, /^SRV=member-\d+; Path=\//);
    const cookie = setCookie.split(';')[0] ?? '';
    const answers = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const reply = await send(port, '/', { headers: { cookie: `${cookie}; app=1` } });
      answers.add(reply.body);
      assert.equal(reply.headers['set-cookie'], undefined);
    }
    assert.deepEqual([...answers], [first.body]);
    const backend = first.body === 'a' ? a : b;
    assert.equal(backend.seen.at(-1)?.headers.cookie, 'app=1');
  });

  it('APP_COOKIE persistence follows the application cookie', async (t) => {
    const handler = (name: string) => (_req: unknown, res: ServerResponse) => {
      res.setHeader('set-cookie', `JSESSIONID=${name}-session; Path=/`);
      res.end(name);
    };
    const a = await startBackend(t, 'a', handler('a'));
    const b = await startBackend(t, 'b', handler('b'));
    const context = new FakeContext([pool('pool-1', [member(a.port), member(b.port)], { sessionPersistence: { type: 'APP_COOKIE', cookieName: 'JSESSIONID', timeoutSeconds: 0, granularity: null } })]);
    const { port } = await startListener(t, createHttpListener, listener(), context);
    const first = await send(port, '/');
    const session = first.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
    for (let i = 0; i < 5; i++) assert.equal((await send(port, '/', { headers: { cookie: session } })).body, first.body);
  });

  it('answers 503 without a member or pool, 502 when the member fails, 504 when it is too slow', async (t) => {
    const deadPort = await freePort();
    const silent = await startBackend(t, 'silent', () => undefined);
    const context = new FakeContext([
      pool('pool-1', [member(deadPort)]),
      pool('empty', []),
      pool('off', [member(silent.port)], { enabled: false }),
      pool('slow', [member(silent.port)]),
    ]);
    const policies = [
      policy(1, 'REDIRECT_TO_POOL', [rule('PATH', 'EQUAL_TO', '/empty')], { redirectPoolId: 'empty' }),
      policy(2, 'REDIRECT_TO_POOL', [rule('PATH', 'EQUAL_TO', '/off')], { redirectPoolId: 'off' }),
      policy(3, 'REDIRECT_TO_POOL', [rule('PATH', 'EQUAL_TO', '/slow')], { redirectPoolId: 'slow' }),
    ];
    const config = listener({ policies, timeouts: { clientData: 50_000, memberConnect: 2_000, memberData: 300 } });
    const { port } = await startListener(t, createHttpListener, config, context);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const failed = await send(port, '/', { agent, method: 'POST', body: 'x' });
    assert.equal(failed.status, 502);
    assert.match(failed.body, /could not connect to member 127\.0\.0\.1:\d+/);
    const noMember = await send(port, '/', { agent });
    assert.equal(noMember.status, 503, 'the failed member was marked down');
    assert.match(noMember.body, /no member/);
    assert.equal((await send(port, '/empty', { agent })).status, 503);
    assert.match((await send(port, '/off', { agent })).body, /not serving/);
    const slow = await send(port, '/slow', { agent });
    assert.equal(slow.status, 504);
    assert.match(slow.body, /timeout_member_data/);
    assert.equal(context.stats.opened, 1, 'one client connection carried every error answer');
  });

  it('retries an idempotent request on another member when the connect fails', async (t) => {
    const alive = await startBackend(t, 'alive');
    const dead = member(await freePort());
    const context = new FakeContext([pool('pool-1', [dead, member(alive.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(), context);
    for (let i = 0; i < 3; i++) assert.equal((await send(port, '/')).body, 'alive');
    assert.equal(context.pools.get('pool-1')?.members[0]?.connectFailures.length, 1);
  });

  it('refuses clients outside allowed_cidrs before reading anything', async (t) => {
    const a = await startBackend(t, 'a');
    const context = new FakeContext([pool('pool-1', [member(a.port)])]);
    const { port } = await startListener(t, createHttpListener, listener({ accessControl: { allowedCidrs: ['10.0.0.0/8'], ipGroup: null } }), context);
    const outcome = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.deepEqual(outcome, { text: '', closedByServer: true });
    assert.equal(a.seen.length, 0);
  });

  it('refuses black-listed clients and connections over connection_limit', async (t) => {
    const a = await startBackend(t, 'a');
    const context = new FakeContext([pool('pool-1', [member(a.port)])]);
    const black = await startListener(t, createHttpListener, listener({ accessControl: { allowedCidrs: [], ipGroup: { type: 'black', cidrs: ['127.0.0.0/8'] } } }), context);
    assert.deepEqual(await rawExchange(black.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'), { text: '', closedByServer: true });
    const limited = await startListener(t, createHttpListener, listener({ id: 'limited', connectionLimit: 1 }), context);
    const held = connect(limited.port, '127.0.0.1');
    held.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(held, 'data');
    assert.deepEqual(await rawExchange(limited.port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'), { text: '', closedByServer: true });
    held.destroy();
    assert.equal(a.seen.length, 1);
  });

  it('applies a configuration update to the next request without rebinding', async (t) => {
    const a = await startBackend(t, 'a');
    const b = await startBackend(t, 'b');
    const context = new FakeContext([pool('pool-1', [member(a.port)]), pool('pool-2', [member(b.port)])]);
    const { port, runtime, config } = await startListener(t, createHttpListener, listener(), context);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    assert.equal((await send(port, '/', { agent })).body, 'a');
    runtime.update({ ...config, defaultPoolId: 'pool-2', policies: [policy(1, 'REJECT', [rule('PATH', 'EQUAL_TO', '/no')])] }, context);
    assert.equal((await send(port, '/', { agent })).body, 'b');
    assert.equal((await send(port, '/no', { agent })).status, 403);
    assert.equal(context.stats.opened, 1, 'the open connection follows the new configuration');
  });

  it('drains on close: a request in flight gets its answer and its connection closes', async (t) => {
    const slow = await startBackend(t, 'slow', (req, res) => { req.resume(); setTimeout(() => res.end('late'), 300); });
    const context = new FakeContext([pool('pool-1', [member(slow.port)])]);
    const { port, runtime } = await startListener(t, createHttpListener, listener(), context);
    const agent = new Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    const idle = new Agent({ keepAlive: true });
    t.after(() => idle.destroy());
    await send(port, '/warm', { agent: idle });
    const inFlight = send(port, '/', { agent });
    while (slow.seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await runtime.close(60_000);
    const reply = await inFlight;
    assert.deepEqual([reply.status, reply.body, reply.headers.connection], [200, 'late', 'close']);
    assert.equal(runtime.openConnections, 0);
  });

  it('speaks HTTP/1.0, pipelining and chunked uploads', async (t) => {
    const a = await startBackend(t, 'a');
    const context = new FakeContext([pool('pool-1', [member(a.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(), context);
    const old = await rawExchange(port, 'GET /old HTTP/1.0\r\n\r\n');
    assert.match(old.text, /^HTTP\/1\.1 200 OK/);
    assert.ok(old.closedByServer, 'HTTP/1.0 without keep-alive is closed after the answer');
    const pipelined = await rawExchange(port, 'GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.equal(pipelined.text.match(/HTTP\/1\.1 200 OK/g)?.length, 3);
    assert.deepEqual(a.seen.slice(1).map((r) => `${r.method} ${r.url} ${r.bodyBytes}`), ['GET /1 0', 'POST /2 5', 'GET /3 0']);
  });

  // undici (the upstream client) sends no Expect: elbow answers 100 itself once the request goes
  // out to the member, as nginx does; the member reads the body without waiting for it.
  it('answers Expect: 100-continue itself and streams the body to the member', async (t) => {
    const a = await startBackend(t, 'a');
    const context = new FakeContext([pool('pool-1', [member(a.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(), context);
    const dir = mkdtempSync(join(tmpdir(), 'elbow-l7-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'body'), Buffer.alloc(3 * 1024 * 1024, 7));
    const { stdout, stderr } = await run('curl', ['-sv', '-m', '20', '-H', 'Expect: 100-continue', '--data-binary', `@${join(dir, 'body')}`, `http://127.0.0.1:${port}/upload`]);
    assert.equal(stdout, 'a');
    assert.match(stderr, /HTTP\/1\.1 100 Continue/);
    assert.equal(a.seen[0]?.bodyBytes, 3 * 1024 * 1024);
    assert.equal(a.seen[0]?.headers.expect, undefined);
  });

  it('answers 431 to oversized heads and 400 to malformed ones, closing the connection', async (t) => {
    const a = await startBackend(t, 'a');
    const context = new FakeContext([pool('pool-1', [member(a.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(), context);
    const big = await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(big.text, /^HTTP\/1\.1 431 /);
    assert.ok(big.closedByServer);
    const longLine = await rawExchange(port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(longLine.text, /^HTTP\/1\.1 431 /);
    const smuggle = await rawExchange(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    assert.match(smuggle.text, /^HTTP\/1\.1 400 /);
    assert.ok(smuggle.closedByServer);
    assert.equal(a.seen.length, 0);
  });

  it('bounds the time to send a request head (slowloris) and closes idle keep-alive connections', async (t) => {
    const a = await startBackend(t, 'a');
    const context = new FakeContext([pool('pool-1', [member(a.port)])]);
    const timeouts = { clientData: 1_000, memberConnect: 1_000, memberData: 5_000 };
    const { port } = await startListener(t, createHttpListener, listener({ timeouts }), context);
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    // Drip a header line every 200 ms: never idle, yet never done.
    const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 200);
    t.after(() => clearInterval(drip));
    await once(socket, 'close');
    clearInterval(drip);
    assert.match(text, /^HTTP\/1\.1 408 /);
    assert.equal(a.seen.length, 0);
    const idle = connect(port, '127.0.0.1');
    idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    idle.resume();
    await once(idle, 'close');
    assert.equal(a.seen.length, 1);
  });

  it('tunnels WebSocket upgrades', async (t) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    t.after(() => new Promise((resolve) => { for (const c of wss.clients) c.terminate(); wss.close(resolve); }));
    wss.on('connection', (socket, req) => {
      socket.on('message', (data) => socket.send(`echo ${String(data)} via ${String(req.headers['x-forwarded-for'])}`));
    });
    const wsPort = (wss.address() as AddressInfo).port;
    const context = new FakeContext([pool('pool-1', [member(wsPort)])]);
    const { port } = await startListener(t, createHttpListener, listener({ insertHeaders: { 'X-Forwarded-For': 'true' } }), context);
    const client = new WebSocket(`ws://127.0.0.1:${port}/chat`);
    await once(client, 'open');
    client.send('hi');
    const [reply] = await once(client, 'message');
    assert.equal(String(reply), 'echo hi via 127.0.0.1');
    client.close();
    await once(client, 'close');
  });

  it('writes an access log entry per request when enabled', async (t) => {
    const a = await startBackend(t, 'a');
    const context = new FakeContext([pool('pool-1', [member(a.port)])]);
    const { port } = await startListener(t, createHttpListener, listener({ accessLog: true }), context);
    await send(port, '/logged?x=1', { method: 'POST', body: 'abc' });
    const [entry] = context.accessLogEntries;
    assert.ok(entry);
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, '/logged?x=1');
    assert.equal(entry.status, 200);
    assert.equal(entry.member, `127.0.0.1:${a.port}`);
    assert.ok(entry.bytes_in > 3 && entry.bytes_out > 0);
  });
});
