// HTTPS and SSL listeners end to end with a throwaway CA: curl over HTTP/1.1 and HTTP/2, SNI,
// mutual TLS, certificate replacement without rebinding, re-encryption to HTTPS members, and
// openssl s_client through an SSL listener to a TCP echo member.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import WebSocket, { WebSocketServer } from 'ws';
import { createHttpsListener } from '../../src/dataplane/listeners/https.js';
import { createSslListener } from '../../src/dataplane/listeners/ssl.js';
import type { SnapshotListener, SnapshotListenerTls } from '../../src/snapshot/snapshot.js';
import { FakeContext, listener, member, pool } from '../helpers/fake-pools.js';
import { startBackend, startListener } from '../helpers/l7-harness.js';
import { tryRenegotiation } from '../helpers/openssl-renegotiate.js';
import { createTestCa } from '../helpers/test-ca.js';

const run = promisify(execFile);
const ca = createTestCa();
after(() => ca.close());
const defaultCert = ca.issueServer(['shop.test']);
const apiCert = ca.issueServer(['api.test']);
const wildCert = ca.issueServer(['*.apps.test']);

function tls(overrides: Partial<SnapshotListenerTls> = {}): SnapshotListenerTls {
  return {
    defaultCertificate: defaultCert.snapshot('default'), sniCertificates: [apiCert.snapshot('api'), wildCert.snapshot('wild')],
    clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE', versions: null, ciphers: null, alpnProtocols: ['h2', 'http/1.1'], ...overrides,
  };
}

function httpsListener(overrides: Partial<SnapshotListener> = {}): SnapshotListener {
  return listener({ protocol: 'TERMINATED_HTTPS', tls: tls(), insertHeaders: { 'X-Forwarded-For': 'true', 'X-Forwarded-Proto': 'true', 'X-Forwarded-Port': 'true' }, ...overrides });
}

/** curl to https://NAME:PORT/path resolved to 127.0.0.1, trusting the test CA. */
function curl(name: string, port: number, path: string, extra: string[] = []) {
  return run('curl', ['-sS', '-m', '10', '--cacert', ca.caFile, '--resolve', `${name}:${port}:127.0.0.1`, ...extra, `https://${name}:${port}${path}`]);
}

async function httpsSetup(t: TestContext, overrides: Partial<SnapshotListener> = {}) {
  const backend = await startBackend(t, 'member');
  const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
  const started = await startListener(t, createHttpsListener, httpsListener(overrides), context);
  return { backend, context, ...started };
}

describe('HTTPS listener', () => {
  it('serves curl over HTTP/1.1 and HTTP/2 with the members seeing X-Forwarded-*', async (t) => {
    const { backend, port } = await httpsSetup(t);
    const h1 = await curl('shop.test', port, '/a', ['--http1.1', '-w', ' %{http_version}']);
    assert.equal(h1.stdout, 'member 1.1');
    const h2 = await curl('shop.test', port, '/b?c=d', ['--http2', '-w', ' %{http_version}']);
    assert.equal(h2.stdout, 'member 2');
    const seen = backend.seen[1];
    assert.ok(seen);
    assert.equal(seen.url, '/b?c=d');
    assert.equal(seen.headers.host, `shop.test:${port}`);
    assert.equal(seen.headers['x-forwarded-proto'], 'https');
    assert.equal(seen.headers['x-forwarded-port'], String(port));
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
  });

  it('tunnels secure WebSockets (HTTP/1.1 upgrade on the HTTP/2-capable server)', async (t) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    t.after(() => new Promise((resolve) => { for (const c of wss.clients) c.terminate(); wss.close(resolve); }));
    wss.on('connection', (socket, req) => socket.on('message', (data) => socket.send(`echo ${String(data)} over ${String(req.headers['x-forwarded-proto'])}`)));
    const context = new FakeContext([pool('pool-1', [member((wss.address() as AddressInfo).port)])]);
    const { port } = await startListener(t, createHttpsListener, httpsListener(), context);
    // ws passes TLS options through to tls.connect; its types know only some of them.
    const tlsOptions: ConnectionOptions = { ca: ca.caPem, servername: 'shop.test' };
    const client = new WebSocket(`wss://127.0.0.1:${port}/chat`, tlsOptions as WebSocket.ClientOptions);
    await once(client, 'open');
    client.send('hi');
    const [reply] = await once(client, 'message');
    assert.equal(String(reply), 'echo hi over https');
    client.close();
    await once(client, 'close');
  });

  it('streams an HTTP/2 upload to an HTTP/1.1 member', async (t) => {
    const { backend, port } = await httpsSetup(t);
    const { stdout } = await curl('shop.test', port, '/up', ['--http2', '--data-binary', 'x'.repeat(100_000)]);
    assert.equal(stdout, 'member');
    assert.equal(backend.seen[0]?.bodyBytes, 100_000);
    assert.equal(backend.seen[0]?.method, 'POST');
  });

  it('answers elbow\'s own errors over HTTP/2 too', async (t) => {
    const context = new FakeContext([pool('pool-1', [])]);
    const { port } = await startListener(t, createHttpsListener, httpsListener({ policies: [{
      id: 'p1', position: 1, action: 'REDIRECT_TO_LISTENER', rules: [{ id: 'r1', type: 'PATH', compareType: 'EQUAL_TO', key: null, value: '/moved', invert: false }],
      redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: 301, redirectListener: { protocol: 'HTTP', port: 8080 }, fixedResponse: null,
    }] }), context);
    const down = await curl('shop.test', port, '/', ['--http2', '-w', ' %{http_code} %{http_version}']);
    assert.match(down.stdout, /no member of pool pool-1 is available\n 503 2$/);
    const moved = await curl('shop.test', port, '/moved', ['--http2', '-w', '%{http_code} %{redirect_url}']);
    assert.equal(moved.stdout, `301 http://shop.test:8080/moved`);
  });

  it('picks the certificate by SNI: exact, wildcard, default', async (t) => {
    const { port } = await httpsSetup(t);
    // curl verifies the certificate against the name it asked for: success proves the choice.
    assert.equal((await curl('api.test', port, '/')).stdout, 'member');
    assert.equal((await curl('x.apps.test', port, '/')).stdout, 'member');
    assert.equal((await curl('shop.test', port, '/')).stdout, 'member');
    await assert.rejects(curl('other.test', port, '/'), /SSL|certificate|subject/i);
  });

  it('mutual TLS: MANDATORY accepts a client of the CA and refuses one without a certificate', async (t) => {
    const insertHeaders = { 'X-SSL-Client-Has-Cert': 'true', 'X-SSL-Client-Verify': 'true', 'X-SSL-Client-CN': 'true', 'X-SSL-Client-DN': 'true' };
    const { port, backend } = await httpsSetup(t, { tls: tls({ clientCaPem: ca.caPem, clientAuthentication: 'MANDATORY' }), insertHeaders });
    const client = ca.issueClient('alice');
    assert.equal((await curl('shop.test', port, '/', ['--cert', client.certFile, '--key', client.keyFile])).stdout, 'member');
    const seen = backend.seen[0]?.headers;
    assert.deepEqual([seen?.['x-ssl-client-has-cert'], seen?.['x-ssl-client-verify'], seen?.['x-ssl-client-cn'], seen?.['x-ssl-client-dn']], ['true', '0', 'alice', '/CN=alice/O=elbow tests']);
    await assert.rejects(curl('shop.test', port, '/'));
    const stranger = createTestCa('stranger');
    t.after(() => stranger.close());
    const foreign = stranger.issueClient('mallory');
    await assert.rejects(curl('shop.test', port, '/', ['--cert', foreign.certFile, '--key', foreign.keyFile]));
    assert.equal(backend.seen.length, 1);
  });

  it('serves a replaced certificate to new connections without rebinding', async (t) => {
    const { port, runtime, context, config } = await httpsSetup(t);
    const renewed = ca.issueServer(['renewed.test']);
    runtime.update({ ...config, tls: tls({ defaultCertificate: renewed.snapshot('renewed'), sniCertificates: [] }) }, context);
    assert.equal((await curl('renewed.test', port, '/')).stdout, 'member');
    await assert.rejects(curl('api.test', port, '/'));
  });

  it('keeps the running certificates when an update brings one that does not load', async (t) => {
    const { port, runtime, context, config } = await httpsSetup(t);
    const broken = { ...defaultCert.snapshot('broken'), privateKeyPem: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n' };
    runtime.update({ ...config, tls: tls({ defaultCertificate: broken }) }, context);
    assert.equal((await curl('api.test', port, '/')).stdout, 'member');
    assert.equal((await curl('shop.test', port, '/')).stdout, 'member');
  });

  it('re-encrypts to HTTPS members, verifying them against the pool CA', async (t) => {
    const memberCert = ca.issueServer(['member.test']);
    const secure = createHttpsServer({ cert: memberCert.certificatePem, key: memberCert.privateKeyPem }, (req, res) => res.end(`tls member saw ${req.headers.host}`));
    secure.listen(0, '127.0.0.1');
    await once(secure, 'listening');
    t.after(() => { secure.closeAllConnections(); secure.close(); });
    const securePort = (secure.address() as AddressInfo).port;
    const other = createTestCa('other');
    t.after(() => other.close());
    const context = new FakeContext([
      pool('pool-1', [member(securePort)], { protocol: 'HTTPS', tls: { caPem: ca.caPem, clientCertificate: null, sni: true, crls: [], versions: null, ciphers: null, alpnProtocols: [] } }),
      pool('wrong-ca', [member(securePort)], { protocol: 'HTTPS', tls: { caPem: other.caPem, clientCertificate: null, sni: true, crls: [], versions: null, ciphers: null, alpnProtocols: [] } }),
    ]);
    const { port } = await startListener(t, createHttpsListener, httpsListener(), context);
    assert.equal((await curl('shop.test', port, '/')).stdout, `tls member saw shop.test:${port}`);
    const { port: wrongPort } = await startListener(t, createHttpsListener, httpsListener({ defaultPoolId: 'wrong-ca' }), context);
    const { stdout } = await curl('shop.test', wrongPort, '/', ['-w', ' %{http_code}']);
    assert.match(stdout, / 502$/);
  });
});

describe('SSL listener', () => {
  async function echoMember(t: TestContext): Promise<{ port: number; received: Buffer[] }> {
    const received: Buffer[] = [];
    const server = createNetServer({ allowHalfOpen: true }, (socket) => {
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        // Echo the first line, then close: the client sees the answer and the end of the stream.
        if (chunk.includes(10)) socket.end(Buffer.concat(received));
      });
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => new Promise((resolve) => server.close(resolve)));
    return { port: (server.address() as AddressInfo).port, received };
  }

  it('openssl s_client talks to a TCP echo member through TLS termination', async (t) => {
    const echo = await echoMember(t);
    const context = new FakeContext([pool('pool-1', [member(echo.port)], { protocol: 'TCP' })]);
    const { port } = await startListener(t, createSslListener, listener({ protocol: 'SSL', tls: tls() }), context);
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'shop.test', '-CAfile', ca.caFile, '-verify_return_error', '-quiet', '-ign_eof'], { stdio: ['pipe', 'pipe', 'pipe'] });
    t.after(() => child.kill());
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    child.stdin.end('hello through ssl\n');
    const [code] = await once(child, 'exit');
    assert.equal(output, 'hello through ssl\n');
    assert.equal(code, 0);
  });

  it('refuses client-initiated renegotiation (openssl s_client -tls1_2, then R)', async (t) => {
    const echo = await echoMember(t);
    const context = new FakeContext([pool('pool-1', [member(echo.port)], { protocol: 'TCP' })]);
    const { port } = await startListener(t, createSslListener, listener({ protocol: 'SSL', tls: tls() }), context);
    const output = await tryRenegotiation(t, port, 'shop.test', ca.caFile);
    assert.match(output, /RENEGOTIATING[\s\S]*no renegotiation/);
  });

  it('sends a PROXY header to PROXY members before the decrypted stream', async (t) => {
    const echo = await echoMember(t);
    const context = new FakeContext([pool('pool-1', [member(echo.port)], { protocol: 'PROXY' })]);
    const { port } = await startListener(t, createSslListener, listener({ protocol: 'SSL', tls: tls() }), context);
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'shop.test', ca: ca.caPem });
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => { answer += chunk; });
    await once(socket, 'secureConnect');
    const clientPort = socket.localPort;
    socket.write('ping\n');
    await once(socket, 'end');
    socket.destroy();
    assert.match(answer, new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 ${clientPort} ${port}\\r\\nping\\n$`));
  });
});
