// Forwarding policies that cannot be bypassed (issue #10, items 1-3), tried as an attacker would:
// raw bytes (and curl, and an HTTP/2 client) against running listeners with two REJECT policies,
// PATH STARTS_WITH /admin and HOST_NAME EQUAL_TO evil.example, and X-Forwarded-For insertion.
// The members record every byte they receive: each refused attempt must leave them untouched.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { connect as h2connect, constants as h2 } from 'node:http2';
import { connect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { createHttpListener } from '../../src/dataplane/listeners/http.js';
import { createHttpsListener } from '../../src/dataplane/listeners/https.js';
import type { SnapshotListener, SnapshotPolicy, SnapshotRule } from '../../src/snapshot/snapshot.js';
import { FakeContext, listener, member, pool } from '../helpers/fake-pools.js';
import { rawExchange, startBackend, startListener } from '../helpers/l7-harness.js';
import { createTestCa } from '../helpers/test-ca.js';

const run = promisify(execFile);

function rule(type: SnapshotRule['type'], compareType: SnapshotRule['compareType'], value: string): SnapshotRule {
  return { id: `${type}-${value}`, type, compareType, key: null, value, invert: false };
}

function reject(position: number, rules: SnapshotRule[]): SnapshotPolicy {
  return { id: `p${position}`, position, action: 'REJECT', rules, redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: null };
}

const POLICIES = [reject(1, [rule('PATH', 'STARTS_WITH', '/admin')]), reject(2, [rule('HOST_NAME', 'EQUAL_TO', 'evil.example')])];
const GUARDED: Partial<SnapshotListener> = { policies: POLICIES, insertHeaders: { 'X-Forwarded-For': 'true' } };
/** What an attack smuggles past the policies; none of it may reach a member. */
const ATTACK = 'GET /admin HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n';

/**
 * A member that records the raw bytes it receives and answers each request head with 200 (an
 * Upgrade too, which it declines), keeping the connection open as a lenient server would.
 */
class RawMember {
  received = '';
  heads: string[] = [];
  readonly sockets = new Set<Socket>();
  private constructor(readonly server: Server, readonly port: number) {}

  static async start(t: TestContext): Promise<RawMember> {
    const server = createNetServer({ allowHalfOpen: false });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const member = new RawMember(server, (server.address() as AddressInfo).port);
    server.on('connection', (socket) => member.serve(socket));
    t.after(() => {
      for (const socket of member.sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    });
    return member;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      this.received += text;
      pending += text;
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) !== -1) {
        this.heads.push(pending.slice(0, end));
        pending = pending.slice(end + 4);
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nmember');
      }
    });
  }

  assertUntouchedBy(attack: string): void {
    for (const marker of ['/admin', 'evil.example', '6.6.6.6']) {
      if (attack.includes(marker)) assert.equal(this.received.includes(marker), false, `the member received "${marker}": ${JSON.stringify(this.received)}`);
    }
  }
}

/**
 * Writes `first`; once a whole answer head arrived, writes `then` (ignoring a closed socket), and
 * collects everything until the server closes (bounded, so a regression fails instead of hanging).
 */
function converse(port: number, first: string, then: string, ms = 5_000): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let sent = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (!sent && text.includes('\r\n\r\n')) {
        sent = true;
        if (socket.writable) socket.write(then);
      }
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, ms);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedByServer: true });
    });
    socket.write(first);
  });
}

async function guardedHttp(t: TestContext) {
  const rawMember = await RawMember.start(t);
  const context = new FakeContext([pool('pool-1', [member(rawMember.port)])]);
  const { port } = await startListener(t, createHttpListener, listener(GUARDED), context);
  return { rawMember, port, context };
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
const countAnswers = (text: string): number => text.split('HTTP/1.1 ').length - 1;

describe('item 1: only a 101 turns a connection into a tunnel', () => {
  const upgrade = (protocol: string, connection = 'Upgrade') => `GET / HTTP/1.1\r\nHost: a\r\nConnection: ${connection}\r\nUpgrade: ${protocol}\r\n\r\n`;

  it('a declined WebSocket upgrade keeps the next request away from the member', async (t) => {
    const { rawMember, port } = await guardedHttp(t);
    const { text, closedByServer } = await converse(port, upgrade('websocket'), ATTACK);
    assert.equal(statusOf(text), 200, 'the member\'s answer reaches the client');
    assert.match(text, /\r\nconnection: close\r\n/i);
    assert.equal(countAnswers(text), 1, 'one answer, then the connection closes');
    assert.ok(closedByServer);
    assert.equal(rawMember.heads.length, 1);
    assert.match(rawMember.heads[0] ?? '', /^GET \/ HTTP\/1\.1\r\n/);
    rawMember.assertUntouchedBy(ATTACK);
  });

  it('a request pipelined behind a declined upgrade is never forwarded', async (t) => {
    const { rawMember, port } = await guardedHttp(t);
    const { text, closedByServer } = await rawExchange(port, upgrade('websocket', 'keep-alive, Upgrade') + ATTACK, 5_000);
    assert.equal(statusOf(text), 200);
    assert.equal(countAnswers(text), 1);
    assert.ok(closedByServer);
    assert.equal(rawMember.heads.length, 1);
    rawMember.assertUntouchedBy(ATTACK);
  });

  it('Upgrade: h2c on cleartext is stripped: an ordinary request, then the connection closes', async (t) => {
    const { rawMember, port } = await guardedHttp(t);
    const h2c = 'GET /x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n';
    const { text, closedByServer } = await converse(port, h2c, ATTACK);
    assert.equal(statusOf(text), 200);
    assert.equal(countAnswers(text), 1);
    assert.ok(closedByServer);
    assert.equal(rawMember.heads.length, 1);
    const head = rawMember.heads[0] ?? '';
    assert.match(head, /^GET \/x HTTP\/1\.1\r\n/);
    assert.doesNotMatch(head, /upgrade|http2-settings/i, 'no Upgrade or HTTP2-Settings reaches the member');
    rawMember.assertUntouchedBy(ATTACK);
  });

  it('curl --http2 on cleartext gets HTTP/1.1 answers, its body forwarded, and no h2c upgrade', async (t) => {
    const backend = await startBackend(t, 'member');
    const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(GUARDED), context);
    const { stdout } = await run('curl', ['-sS', '-m', '10', '--http2', '-d', 'hello', '-w', ' %{http_version}', `http://127.0.0.1:${port}/form`]);
    assert.equal(stdout, 'member 1.1');
    const seen = backend.seen[0];
    assert.ok(seen);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.bodyBytes, 5);
    assert.equal(seen.headers.upgrade, undefined);
    assert.equal(seen.headers['http2-settings'], undefined);
    const admin = await run('curl', ['-sS', '-m', '10', '--http2', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/admin`]);
    assert.equal(admin.stdout, '403');
    assert.equal(backend.seen.length, 1);
  });

  it('an upgrade request with a body is an ordinary request (its body framed, the policies applied)', async (t) => {
    const backend = await startBackend(t, 'member');
    const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(GUARDED), context);
    const smuggling = `POST / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: ${ATTACK.length}\r\n\r\n${ATTACK}`;
    const { text } = await rawExchange(port, smuggling, 5_000);
    assert.equal(statusOf(text), 200);
    // The body reached the member as a body (Content-Length framed), never as a request of its own.
    assert.equal(backend.seen.length, 1);
    assert.equal(backend.seen[0]?.bodyBytes, ATTACK.length);
    assert.equal(backend.seen[0]?.headers.upgrade, undefined);
  });

  it('a member refusing an upgrade with a chunked 401 gets that answer to the client', async (t) => {
    const backend = await startBackend(t, 'member', (_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer' });
      res.write('no ');
      res.end('entry');
    });
    const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(GUARDED), context);
    const client = new WebSocket(`ws://127.0.0.1:${port}/chat`);
    client.on('error', () => undefined);
    const [, response] = await once(client, 'unexpected-response');
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer');
    let body = '';
    for await (const chunk of response) body += String(chunk);
    assert.equal(body, 'no entry');
    assert.deepEqual(context.stats.responses, [401]);
  });

  it('a member that switches protocols gets a tunnel, early client bytes included', async (t) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    t.after(() => new Promise((resolve) => { for (const c of wss.clients) c.terminate(); wss.close(resolve); }));
    wss.on('connection', (socket, req) => socket.on('message', (data) => socket.send(`${req.url ?? ''} ${String(data)} via ${String(req.headers['x-forwarded-for'])}`)));
    const context = new FakeContext([pool('pool-1', [member((wss.address() as AddressInfo).port)])]);
    const { port } = await startListener(t, createHttpListener, listener(GUARDED), context);
    const client = new WebSocket(`ws://127.0.0.1:${port}/a/../chat`);
    client.on('open', () => client.send('hi'));
    const [reply] = await once(client, 'message');
    assert.equal(String(reply), '/chat hi via 127.0.0.1');
    client.close();
    await once(client, 'close');
    const refused = new WebSocket(`ws://127.0.0.1:${port}/x/../admin`);
    refused.on('error', () => undefined);
    const [, response] = await once(refused, 'unexpected-response');
    assert.equal(response.statusCode, 403);
  });
});

describe('item 2: absolute-form targets', () => {
  it('policies see the path and host of an absolute-form target; nothing reaches the member', async (t) => {
    const { rawMember, port } = await guardedHttp(t);
    for (const attack of [
      'GET http://a/admin HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET http://evil.example/ HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET HTTP://EVIL.EXAMPLE:80/x HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET https://a/%61dmin HTTP/1.1\r\nHost: a\r\n\r\n',
    ]) {
      const { text } = await rawExchange(port, attack, 5_000, true);
      assert.equal(statusOf(text), 403, attack);
      rawMember.assertUntouchedBy(attack);
    }
    assert.equal(rawMember.heads.length, 0);
  });

  it('an allowed absolute-form target reaches the member in origin-form with its authority as Host', async (t) => {
    const backend = await startBackend(t, 'member');
    const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(GUARDED), context);
    const { text } = await rawExchange(port, 'GET http://shop.test:8080/cart?id=1 HTTP/1.1\r\nHost: other.test\r\n\r\n', 5_000, true);
    assert.equal(statusOf(text), 200);
    assert.equal(backend.seen[0]?.url, '/cart?id=1');
    assert.equal(backend.seen[0]?.headers.host, 'shop.test:8080');
    const proxied = await run('curl', ['-sS', '-m', '10', '-x', `http://127.0.0.1:${port}`, 'http://shop.test/proxy']);
    assert.equal(proxied.stdout, 'member');
    assert.equal(backend.seen[1]?.url, '/proxy');
    assert.equal(backend.seen[1]?.headers.host, 'shop.test');
  });

  it('refuses targets that are not http(s) absolute-form or origin-form, and bad Host values, with 400', async (t) => {
    const { rawMember, port } = await guardedHttp(t);
    for (const attack of [
      'GET ftp://a/admin HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET http://user@evil.example/ HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET http:///admin HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET * HTTP/1.1\r\nHost: a\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: evil.example/admin\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: a@evil.example\r\n\r\n',
    ]) {
      const { text, closedByServer } = await rawExchange(port, attack, 5_000);
      assert.equal(statusOf(text), 400, attack);
      assert.ok(closedByServer);
    }
    assert.equal(rawMember.received, '');
  });

  it('a fully qualified Host with its trailing dot is the same host to the policies', async (t) => {
    const { rawMember, port } = await guardedHttp(t);
    const { text } = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: EVIL.example.:80\r\n\r\n', 5_000, true);
    assert.equal(statusOf(text), 403);
    assert.equal(rawMember.received, '');
  });
});

describe('item 3: paths are normalized before matching, and forwarded normalized', () => {
  it('encoded, doubled, dotted paths to /admin are rejected; the member receives nothing', async (t) => {
    const { rawMember, port } = await guardedHttp(t);
    for (const path of ['/%61dmin', '//admin', '/./admin', '/x/../admin', '/%2e%2e/admin', '/x/%2E%2E/admin/', '/x/y/../../admin', '///admin//a', '/admin#x', '/a/..//admin']) {
      const { text } = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`, 5_000, true);
      assert.equal(statusOf(text), 403, path);
    }
    assert.equal(rawMember.received, '');
  });

  it('paths a member could still decode into /admin are refused with 400', async (t) => {
    const { rawMember, port } = await guardedHttp(t);
    for (const path of ['/x/..%2Fadmin', '/x/..%2fadmin', '/%2Fadmin', '/x/..%5Cadmin', '/x/..\\admin', '/x/..;/admin', '/x/.;/../admin', '/%zzadmin', '/admin%00', '/a%0']) {
      const { text, closedByServer } = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`, 5_000);
      assert.equal(statusOf(text), 400, path);
      assert.ok(closedByServer);
    }
    assert.equal(rawMember.received, '');
  });

  it('the member gets the normalized path; the access log records it', async (t) => {
    const backend = await startBackend(t, 'member');
    const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
    const { port } = await startListener(t, createHttpListener, listener({ ...GUARDED, accessLog: true }), context);
    const cases: [string, string][] = [
      ['/a/./b/../c//d/%7euser?q=%2e%2e/x', '/a/c/d/~user?q=%2e%2e/x'],
      ['/files/ns%2fproject/raw', '/files/ns%2Fproject/raw'],
      ['/%41%42c/', '/ABc/'],
      ['/x/..', '/'],
      ['/caf%C3%A9', '/caf%C3%A9'],
    ];
    for (const [sent, expected] of cases) {
      const { text } = await rawExchange(port, `GET ${sent} HTTP/1.1\r\nHost: a\r\n\r\n`, 5_000, true);
      assert.equal(statusOf(text), 200, sent);
      assert.equal(backend.seen.at(-1)?.url, expected, sent);
      assert.equal(context.accessLogEntries.at(-1)?.path, expected);
    }
  });

  describe('over HTTP/2 (:path and :authority)', () => {
    const ca = createTestCa();
    after(() => ca.close());
    const certificate = ca.issueServer(['shop.test']);

    async function h2Listener(t: TestContext) {
      const backend = await startBackend(t, 'member');
      const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
      const tls = { defaultCertificate: certificate.snapshot('c'), sniCertificates: [], clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE' as const, versions: null, ciphers: null, alpnProtocols: ['h2', 'http/1.1'] };
      const { port } = await startListener(t, createHttpsListener, listener({ ...GUARDED, protocol: 'TERMINATED_HTTPS', tls }), context);
      const session = h2connect(`https://127.0.0.1:${port}`, { ca: ca.caPem, servername: 'shop.test' });
      session.on('error', () => undefined);
      t.after(() => session.close());
      /** status 0: the stream was reset (nghttp2 refuses some malformed requests itself). */
      const get = (headers: Record<string, string>): Promise<{ status: number; body: string }> =>
        new Promise((resolve) => {
          const stream = session.request({ [h2.HTTP2_HEADER_METHOD]: 'GET', [h2.HTTP2_HEADER_AUTHORITY]: 'shop.test', ...headers, [h2.HTTP2_HEADER_SCHEME]: 'https' }, { endStream: true });
          let status = 0;
          let body = '';
          stream.on('response', (h) => { status = Number(h[h2.HTTP2_HEADER_STATUS]); });
          stream.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
          stream.on('end', () => resolve({ status, body }));
          stream.on('error', () => resolve({ status: 0, body }));
        });
      return { backend, get };
    }

    it('rejects encoded and dotted :path values and :authority evil.example', async (t) => {
      const { backend, get } = await h2Listener(t);
      for (const path of ['/%61dmin', '//admin', '/./admin', '/x/../admin']) assert.equal((await get({ [h2.HTTP2_HEADER_PATH]: path })).status, 403, path);
      assert.equal((await get({ [h2.HTTP2_HEADER_PATH]: '/', [h2.HTTP2_HEADER_AUTHORITY]: 'evil.example' })).status, 403);
      assert.equal((await get({ [h2.HTTP2_HEADER_PATH]: '/x/..%2Fadmin' })).status, 400);
      for (const path of ['http://shop.test/admin', 'admin']) assert.ok([0, 400].includes((await get({ [h2.HTTP2_HEADER_PATH]: path })).status), path);
      assert.equal(backend.seen.length, 0);
    });

    it('forwards the normalized :path, and the :authority as Host even when a Host header disagrees', async (t) => {
      const { backend, get } = await h2Listener(t);
      assert.equal((await get({ [h2.HTTP2_HEADER_PATH]: '/a//b/./c/%7e' })).body, 'member');
      assert.equal(backend.seen[0]?.url, '/a/b/c/~');
      assert.equal(backend.seen[0]?.headers.host, 'shop.test');
      assert.equal((await get({ [h2.HTTP2_HEADER_PATH]: '/d', host: 'evil.example' })).status, 200);
      assert.equal(backend.seen[1]?.headers.host, 'shop.test');
    });
  });
});
