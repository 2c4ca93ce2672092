// Settings the API accepts are settings the data plane applies (issue #10, items 4-6), checked on
// a real `elbow serve` configured through the API, with curl, openssl s_client and node:http2:
// HSTS on HTTPS answers; every TLS field of a running listener changed live (ALPN switching
// HTTP/2 on and off while an established HTTP/2 connection keeps working, versions, ciphers,
// SNI certificates, client CA, CRL); a pool's re-encryption settings; SOURCE_IP granularity;
// and fields elbow cannot act on refused with 400.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect as h2connect, constants as h2 } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { freePort, startBackend } from '../helpers/l7-harness.js';
import { createTestCa, type TestCa } from '../helpers/test-ca.js';

const run = promisify(execFile);
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON

let elbow: ElbowProcess;
let ca: TestCa;
before(async () => {
  elbow = await startElbow();
  ca = createTestCa();
});
after(async () => {
  await elbow.stop();
  ca.close();
});

async function created(path: string, kind: string, body: Json): Promise<Json> {
  const answer = await elbow.api('POST', path, { [kind]: body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body[kind];
}

async function updated(path: string, kind: string, body: Json): Promise<Json> {
  const answer = await elbow.api('PUT', path, { [kind]: body });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body[kind].provisioning_status, 'ACTIVE');
  return answer.body[kind];
}

async function certificate(name: string, body: Json): Promise<Json> {
  return created('/v2/lbaas/certificates', 'certificate', { name, ...body });
}

/** curl to https://NAME:PORT/path resolved to 127.0.0.1, trusting the test CA; never throws. */
async function curl(name: string, port: number, path: string, extra: string[] = []): Promise<{ stdout: string; ok: boolean }> {
  try {
    const { stdout } = await run('curl', ['-sS', '-m', '10', '--cacert', ca.caFile, '--resolve', `${name}:${port}:127.0.0.1`, ...extra, `https://${name}:${port}${path}`]);
    return { stdout, ok: true };
  } catch (error) {
    return { stdout: String((error as { stdout?: string }).stdout ?? ''), ok: false };
  }
}

/** An openssl s_client handshake (stdin closed): whether it completed, and what it printed. */
function handshake(port: number, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', ca.caFile, '-verify_return_error', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('close', (code) => resolve({ ok: code === 0 && /Verify return code: 0|Verification: OK/.test(output), output }));
  });
}

/** A load balancer with an HTTP pool over one backend, and an HTTPS listener on it. */
async function httpsSetup(t: TestContext, listenerFields: Json = {}) {
  const backend = await startBackend(t, 'member', (req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('strict-transport-security', 'max-age=1');
      res.end('member');
    });
  });
  const lb = await created('/v2/lbaas/loadbalancers', 'loadbalancer', { vip_address: '127.0.0.1' });
  const pool = await created('/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
  await created(`/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: backend.port });
  const issued = ca.issueServer(['shop.test']);
  const shop = await certificate('shop', { type: 'server', certificate: issued.certificatePem, private_key: issued.privateKeyPem });
  const port = await freePort();
  const listener = await created('/v2/lbaas/listeners', 'listener', {
    loadbalancer_id: lb.id, protocol: 'TERMINATED_HTTPS', protocol_port: port, default_pool_id: pool.id, default_tls_container_ref: shop.id, ...listenerFields,
  });
  t.after(() => elbow.api('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`));
  return { backend, lb, pool, listener, port, path: `/v2/lbaas/listeners/${listener.id}` };
}

const stsOf = (head: string): string[] => [...head.matchAll(/^strict-transport-security: (.*?)\r?$/gim)].map((m) => m[1] ?? '');

describe('settings the API accepts apply to traffic', { timeout: 180_000 }, () => {
  it('item 4: HTTPS listeners send Strict-Transport-Security as Octavia does, on every answer, live', async (t) => {
    const { lb, listener, port, path } = await httpsSetup(t, { hsts_max_age: 31536000, hsts_include_subdomains: true, hsts_preload: true });
    const reject = await created('/v2/lbaas/l7policies', 'l7policy', { listener_id: listener.id, action: 'REJECT', position: 1 });
    await created(`/v2/lbaas/l7policies/${reject.id}/rules`, 'rule', { type: 'PATH', compare_type: 'STARTS_WITH', value: '/admin' });
    const expected = ['max-age=31536000; includeSubDomains; preload'];
    for (const version of ['--http1.1', '--http2']) {
      assert.deepEqual(stsOf((await curl('shop.test', port, '/', ['-D', '-', '-o', '/dev/null', version])).stdout), expected, `member answer ${version}: elbow's header replaces the member's`);
      assert.deepEqual(stsOf((await curl('shop.test', port, '/admin', ['-D', '-', '-o', '/dev/null', version])).stdout), expected, `elbow's own 403 ${version}`);
    }
    await updated(path, 'listener', { hsts_include_subdomains: false, hsts_preload: false, hsts_max_age: 600 });
    assert.deepEqual(stsOf((await curl('shop.test', port, '/', ['-D', '-', '-o', '/dev/null'])).stdout), ['max-age=600']);
    await updated(path, 'listener', { hsts_max_age: null });
    assert.deepEqual(stsOf((await curl('shop.test', port, '/', ['-D', '-', '-o', '/dev/null'])).stdout), ['max-age=1'], 'HSTS off: the member\'s own header passes');
    // HSTS means nothing without TLS: refused elsewhere.
    const http = await elbow.api('POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: await freePort(), hsts_max_age: 10 } });
    assert.equal(http.status, 400);
  });

  it('item 5: ALPN changes on a running listener; an established HTTP/2 connection keeps working', async (t) => {
    const { port, path } = await httpsSetup(t, { alpn_protocols: ['h2', 'http/1.1'] });
    const version = async () => (await curl('shop.test', port, '/', ['--http2', '-o', '/dev/null', '-w', '%{http_version}'])).stdout;
    assert.equal(await version(), '2');
    const session = h2connect(`https://127.0.0.1:${port}`, { ca: ca.caPem, servername: 'shop.test' });
    session.on('error', () => undefined);
    t.after(() => session.close());
    const get = (): Promise<string> => new Promise((resolve, reject) => {
      const stream = session.request({ [h2.HTTP2_HEADER_PATH]: '/', [h2.HTTP2_HEADER_AUTHORITY]: 'shop.test' }, { endStream: true });
      let body = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      stream.on('end', () => resolve(body));
      stream.on('error', reject);
    });
    assert.equal(await get(), 'member');
    await updated(path, 'listener', { alpn_protocols: ['http/1.1'] });
    assert.equal(await version(), '1.1', 'HTTP/2 is no longer offered');
    assert.equal(await get(), 'member', 'the HTTP/2 connection opened before the change still serves');
    await updated(path, 'listener', { alpn_protocols: null });
    assert.equal(await version(), '1.1', 'the default offers HTTP/1.1 only');
    await updated(path, 'listener', { alpn_protocols: ['h2'] });
    assert.equal(await version(), '2');
    assert.ok(!(await curl('shop.test', port, '/', ['--http1.1'])).ok, 'a client offering only http/1.1 shares no protocol with an h2-only listener');
    assert.equal((await curl('shop.test', port, '/', ['--http1.1', '--no-alpn'])).stdout, 'member', 'a client without ALPN is served HTTP/1');
  });

  it('item 5: TLS versions, ciphers and SNI certificates change on a running listener', async (t) => {
    const { port, path } = await httpsSetup(t);
    assert.ok((await handshake(port, ['-servername', 'shop.test', '-tls1_2'])).ok);
    await updated(path, 'listener', { tls_versions: ['TLSv1.3'] });
    assert.ok(!(await handshake(port, ['-servername', 'shop.test', '-tls1_2'])).ok, 'TLS 1.2 refused');
    assert.ok((await handshake(port, ['-servername', 'shop.test', '-tls1_3'])).ok);
    await updated(path, 'listener', { tls_versions: ['TLSv1.2'], tls_ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' });
    assert.ok(!(await handshake(port, ['-servername', 'shop.test', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256'])).ok, 'a suite outside tls_ciphers is refused');
    assert.ok((await handshake(port, ['-servername', 'shop.test', '-cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384'])).ok);
    const issued = ca.issueServer(['api.test']);
    const api = await certificate('api', { type: 'server', certificate: issued.certificatePem, private_key: issued.privateKeyPem });
    await updated(path, 'listener', { tls_versions: null, tls_ciphers: null, sni_container_refs: [api.id] });
    assert.match((await handshake(port, ['-servername', 'api.test'])).output, /subject=\/?CN ?= ?api\.test/);
  });

  it('item 5/6: client authentication, its CA and its revocation list change on a running listener', async (t) => {
    const { port, path } = await httpsSetup(t);
    const alice = ca.issueClient('alice');
    const bob = ca.issueClient('bob');
    const withCert = (who: { certFile: string; keyFile: string }) => ['--cert', who.certFile, '--key', who.keyFile];
    assert.ok((await curl('shop.test', port, '/')).ok);
    const clientCa = await certificate('client-ca', { type: 'client', certificate: ca.caPem });
    await updated(path, 'listener', { client_ca_tls_container_ref: clientCa.id, client_authentication: 'MANDATORY' });
    assert.ok(!(await curl('shop.test', port, '/')).ok, 'no client certificate: refused');
    assert.equal((await curl('shop.test', port, '/', withCert(alice))).stdout, 'member');
    const crl = await certificate('crl', { type: 'client', certificate: `${ca.caPem}${ca.revoke(alice)}` });
    await updated(path, 'listener', { client_crl_container_ref: crl.id });
    assert.ok(!(await curl('shop.test', port, '/', withCert(alice))).ok, 'a revoked certificate is refused');
    assert.equal((await curl('shop.test', port, '/', withCert(bob))).stdout, 'member');
    const notCrl = await elbow.api('PUT', path, { listener: { client_crl_container_ref: clientCa.id } });
    assert.equal(notCrl.status, 400, 'a CRL reference must name a certificate resource that holds a CRL');
  });

  it('item 6: a pool\'s re-encryption settings reach the member connection', async (t) => {
    const memberCert = ca.issueServer(['member.test']);
    const secure = createHttpsServer({ cert: memberCert.certificatePem, key: memberCert.privateKeyPem, maxVersion: 'TLSv1.2' }, (req, res) => res.end(`tls ${(req.socket as TLSSocket).getProtocol() ?? ''}`));
    secure.listen(0, '127.0.0.1');
    await once(secure, 'listening');
    t.after(() => { secure.closeAllConnections(); secure.close(); });
    const lb = await created('/v2/lbaas/loadbalancers', 'loadbalancer', { vip_address: '127.0.0.1' });
    t.after(() => elbow.api('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`));
    const trusted = await certificate('member-ca', { type: 'client', certificate: ca.caPem });
    const pool = await created('/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', tls_enabled: true, ca_tls_container_ref: trusted.id });
    await created(`/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: (secure.address() as AddressInfo).port });
    const port = await freePort();
    await created('/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: port, default_pool_id: pool.id });
    const get = async () => (await run('curl', ['-sS', '-m', '10', '-w', ' %{http_code}', `http://127.0.0.1:${port}/`])).stdout;
    assert.equal(await get(), 'tls TLSv1.2 200', 'tls_enabled on an HTTP pool re-encrypts');
    await updated(`/v2/lbaas/pools/${pool.id}`, 'pool', { tls_versions: ['TLSv1.3'] });
    assert.match(await get(), / 502$/, 'the pool asks for TLS 1.3, which the member cannot speak');
    await updated(`/v2/lbaas/pools/${pool.id}`, 'pool', { tls_versions: null });
    assert.equal(await get(), 'tls TLSv1.2 200');
    const crl = await certificate('member-crl', { type: 'client', certificate: `${ca.caPem}${ca.revoke(memberCert)}` });
    await updated(`/v2/lbaas/pools/${pool.id}`, 'pool', { crl_container_ref: crl.id });
    assert.match(await get(), / 502$/, 'a revoked member certificate is refused');
    const tcpPool = await elbow.api('POST', '/v2/lbaas/pools', { pool: { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', tls_enabled: true } });
    assert.deepEqual([tcpPool.status, tcpPool.body.code], [400, 'FIELD_NOT_SUPPORTED']);
    const h2Pool = await elbow.api('PUT', `/v2/lbaas/pools/${pool.id}`, { pool: { alpn_protocols: ['h2'] } });
    assert.deepEqual([h2Pool.status, h2Pool.body.code], [400, 'FIELD_NOT_SUPPORTED']);
  });

  it('item 6: SOURCE_IP persistence_granularity keeps a client network on one member', async (t) => {
    const names: string[] = [];
    const members = await Promise.all(['a', 'b'].map(async (name) => {
      const server = createNetServer((socket) => socket.end(name));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      t.after(() => new Promise((resolve) => server.close(resolve)));
      return { name, port: (server.address() as AddressInfo).port };
    }));
    const lb = await created('/v2/lbaas/loadbalancers', 'loadbalancer', { vip_address: '127.0.0.1' });
    t.after(() => elbow.api('DELETE', `/v2/lbaas/loadbalancers/${lb.id}?cascade=true`));
    const pool = await created('/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', session_persistence: { type: 'SOURCE_IP' } });
    for (const m of members) await created(`/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: m.port });
    const port = await freePort();
    await created('/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: port, default_pool_id: pool.id });
    const from = (localAddress: string): Promise<string> => new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress });
      let text = '';
      socket.on('data', (chunk: Buffer) => { text += chunk.toString(); });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const clients = ['127.0.0.21', '127.0.0.22', '127.0.0.23', '127.0.0.24'];
    for (const client of clients) names.push(await from(client));
    assert.deepEqual(new Set(names), new Set(['a', 'b']), 'each address on its own: clients spread over both members');
    await updated(`/v2/lbaas/pools/${pool.id}`, 'pool', { session_persistence: { type: 'SOURCE_IP', persistence_granularity: '255.255.255.0' } });
    const grouped = new Set<string>();
    for (const client of [...clients, '127.0.0.99']) grouped.add(await from(client));
    assert.equal(grouped.size, 1, 'one /24: one member for all');
    const bad = await elbow.api('PUT', `/v2/lbaas/pools/${pool.id}`, { pool: { session_persistence: { type: 'SOURCE_IP', persistence_granularity: '255.0.255.0' } } });
    assert.equal(bad.status, 400);
  });

  it('item 6: fields elbow cannot act on are refused with 400', async (t) => {
    const { pool, lb, path } = await httpsSetup(t);
    const refusals: [string, Json, string][] = [
      [path, { listener: { timeout_tcp_inspect: 1000 } }, 'FIELD_NOT_SUPPORTED'],
      [path, { listener: { insert_headers: { 'X-Custom': 'true' } } }, 'INVALID_BODY'],
      [path, { listener: { insert_headers: { 'X-Forwarded-For': 'yes' } } }, 'INVALID_BODY'],
      [`/v2/lbaas/pools/${pool.id}`, { pool: { session_persistence: { type: 'HTTP_COOKIE', persistence_timeout: 60 } } }, 'SESSION_PERSISTENCE_INVALID'],
    ];
    for (const [where, body, code] of refusals) {
      const answer = await elbow.api('PUT', where, body);
      assert.deepEqual([answer.status, answer.body.code], [400, code], JSON.stringify(body));
    }
    const tcp = await elbow.api('POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: await freePort(), insert_headers: { 'X-Forwarded-For': 'true' } } });
    assert.equal(tcp.status, 400, 'a TCP listener inserts no headers');
  });
});
