// Each listener protocol carried by both engines: TCP, HTTP, HTTPS terminated with the
// certificate chosen by SNI (and HTTP/2 by ALPN), and SSL (TLS terminated, then TCP).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import type { SnapshotListenerTls } from '../../src/snapshot/snapshot.js';
import { startBackend } from '../helpers/l7-harness.js';
import { createTestCa } from '../helpers/test-ca.js';
import { eventually, freePort, makeListener, makeMember, makePool, makeSnapshot, startEchoServer } from '../unit/dataplane/support.js';
import { curl, echoRoundTrip } from './clients.js';
import { applyServing, forEachEngine } from './engines.js';

const ca = createTestCa();
after(() => ca.close());
const shopCert = ca.issueServer(['shop.test']);
const apiCert = ca.issueServer(['api.test']);
const wildCert = ca.issueServer(['*.apps.test']);

function listenerTls(alpnProtocols: string[]): SnapshotListenerTls {
  return {
    defaultCertificate: shopCert.snapshot('shop'), sniCertificates: [apiCert.snapshot('api'), wildCert.snapshot('wild')],
    clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE', versions: null, ciphers: null, alpnProtocols,
  };
}

/** The subject CN of the certificate the listener on `port` presents to `servername`. */
async function presentedName(port: number, servername: string): Promise<string> {
  const socket = tlsConnect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
  socket.on('error', () => undefined);
  await once(socket, 'secureConnect');
  const subject = socket.getPeerCertificate().subject;
  socket.destroy();
  return String(subject.CN);
}

forEachEngine('Listeners', (engine) => {
  it('TCP: bytes go to the member and back', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const hx = await engine.start(t);
    const port = await freePort();
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'tcp', port, defaultPoolId: 'p' })], [makePool({ id: 'p', members: [makeMember({ id: 'e', port: echo.port })] })]));
    assert.equal(await echoRoundTrip(port, 'hello over tcp'), 'hello over tcp');
    const large = 'x'.repeat(1024 * 1024);
    assert.equal((await echoRoundTrip(port, large)).length, large.length);
  });

  it('HTTP: curl gets the member\'s answer, the member gets the request as sent', async (t) => {
    const member = await startBackend(t, 'web');
    const hx = await engine.start(t);
    const port = await freePort();
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'http', protocol: 'HTTP', port, defaultPoolId: 'p' })], [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    const answer = await curl(['--data-binary', 'abc', `http://127.0.0.1:${port}/path?q=1`]);
    assert.deepEqual([answer.status, answer.body, answer.headers['x-backend']], [200, 'web', 'web']);
    assert.deepEqual(member.seen.map((r) => [r.method, r.url, r.bodyBytes, r.headers.host]), [['POST', '/path?q=1', 3, `127.0.0.1:${port}`]]);
    // fetch (undici) with keep-alive: several requests on one connection.
    for (let i = 0; i < 3; i++) assert.equal(await (await fetch(`http://127.0.0.1:${port}/k${i}`)).text(), 'web');
  });

  it('HTTPS: TLS terminated with the certificate SNI asks for (exact, wildcard, default), HTTP/2 by ALPN', async (t) => {
    const member = await startBackend(t, 'secure');
    const hx = await engine.start(t);
    const port = await freePort();
    const listener = makeListener({ id: 'https', protocol: 'TERMINATED_HTTPS', port, defaultPoolId: 'p', tls: listenerTls(['h2', 'http/1.1']) });
    await applyServing(hx, makeSnapshot(1, [listener], [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    const https = (name: string, extra: string[] = []) => curl(['--cacert', ca.caFile, '--resolve', `${name}:${port}:127.0.0.1`, ...extra, `https://${name}:${port}/`]);
    // curl verifies the certificate against the name it asked for: an answer proves the choice.
    for (const name of ['shop.test', 'api.test', 'x.apps.test']) assert.equal((await https(name)).body, 'secure', name);
    await assert.rejects(https('other.test'), /SSL|certificate|subject|match/i, 'an unknown name gets the default certificate');
    assert.equal(await presentedName(port, 'api.test'), 'api.test');
    assert.equal(await presentedName(port, 'other.test'), 'shop.test');
    const h2 = await https('shop.test', ['--http2']);
    assert.deepEqual([h2.status, h2.body, h2.httpVersion], [200, 'secure', '2']);
    const h1 = await https('shop.test', ['--http1.1']);
    assert.deepEqual([h1.status, h1.httpVersion], [200, '1.1']);
    assert.ok(member.seen.every((r) => r.headers.host?.endsWith(`:${port}`)));
  });

  it('SSL: TLS terminated, then the bytes go to a TCP member (openssl s_client)', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const hx = await engine.start(t);
    const port = await freePort();
    const listener = makeListener({ id: 'ssl', protocol: 'SSL', port, defaultPoolId: 'p', tls: listenerTls([]) });
    await applyServing(hx, makeSnapshot(1, [listener], [makePool({ id: 'p', members: [makeMember({ id: 'e', port: echo.port })] })]));
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'api.test', ca: ca.caPem });
    await once(socket, 'secureConnect');
    assert.equal(String(socket.getPeerCertificate().subject.CN), 'api.test');
    socket.write('over tls');
    const [reply] = (await once(socket, 'data')) as [Buffer];
    assert.equal(reply.toString(), 'over tls');
    socket.end();
    await once(socket, 'close');
    // openssl s_client, verifying against the CA: the line comes back; then it is stopped.
    const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'shop.test', '-CAfile', ca.caFile, '-verify_return_error', '-quiet', '-ign_eof'], { stdio: ['pipe', 'pipe', 'ignore'] });
    t.after(() => client.kill());
    let output = '';
    client.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    client.stdin.write('ping\n');
    await eventually('s_client echoed', () => output === 'ping\n');
    client.kill();
  });
});
