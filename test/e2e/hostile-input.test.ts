// Hostile input (issue #10, items 7-10) against a real `elbow serve` and real listeners: timeouts
// Node cannot hold, a body nested 100,000 deep, a data directory others can read, control
// characters in names, CONNECT requests over HTTP/1.1 and HTTP/2.

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect as h2connect, constants as h2 } from 'node:http2';
import { join, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHttpsListener } from '../../src/dataplane/listeners/https.js';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { FakeContext, listener, member, pool } from '../helpers/fake-pools.js';
import { freePort, rawExchange, startBackend, startListener } from '../helpers/l7-harness.js';
import { haproxyMissing } from '../helpers/haproxy.js';
import { createTestCa } from '../helpers/test-ca.js';

async function created(elbow: ElbowProcess, path: string, kind: string, body: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  const answer = await elbow.api('POST', path, { [kind]: body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body[kind];
}

/** A 400 with design.md §3's error JSON naming the field. */
function assertRefused(answer: { status: number; body: any }, field: string | RegExp, what: string): void { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  assert.equal(answer.status, 400, `${what}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body.faultcode, 'Client', what);
  if (typeof field === 'string') assert.equal(answer.body.field, field, what);
  else assert.match(String(answer.body.field), field, what);
}

const run = promisify(execFile);

const mode = (path: string): number => statSync(path).mode & 0o777;
const REPO_ROOT = resolve(import.meta.dirname, '../..');
/** The refusal needs a directory elbow may not chmod: elbow run as another user (setpriv, as root). */
const refuseSkip = process.getuid?.() !== 0 ? 'needs root, to run elbow as nobody with setpriv' : false;

describe('hostile input', { timeout: 170_000 }, () => {
  it('item 7: timeouts beyond 24 days (2,073,600,000 ms) are a 400, for every timeout field', async (t) => {
    const elbow = await startElbow();
    t.after(() => elbow.stop());
    const lb = await created(elbow, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 't', vip_address: '127.0.0.1' });
    const base = { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: await freePort() };
    for (const field of ['timeout_client_data', 'timeout_member_connect', 'timeout_member_data', 'timeout_http_keep_alive']) {
      for (const value of [2_147_483_648, 2_073_600_001]) {
        assertRefused(await elbow.api('POST', '/v2/lbaas/listeners', { listener: { ...base, [field]: value } }), field, `${field} ${value}`);
      }
    }
    const http = await created(elbow, '/v2/lbaas/listeners', 'listener', { ...base, timeout_member_connect: 2_073_600_000 });
    assert.equal(http.timeout_member_connect, 2_073_600_000, 'the bound itself is accepted');
    assertRefused(await elbow.api('PUT', `/v2/lbaas/listeners/${http.id}`, { listener: { timeout_member_data: 2_147_483_648 } }), 'timeout_member_data', 'update');

    // Fields counted in seconds: the same 24 days.
    const pool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    assertRefused(
      await elbow.api('PUT', `/v2/lbaas/pools/${pool.id}`, { pool: { session_persistence: { type: 'SOURCE_IP', persistence_timeout: 2_147_484 } } }),
      /persistence_timeout/,
      'persistence_timeout',
    );
    const monitor = { pool_id: pool.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 2 };
    assertRefused(await elbow.api('POST', '/v2/lbaas/healthmonitors', { healthmonitor: { ...monitor, delay: 2_147_484 } }), 'delay', 'delay');
    assertRefused(await elbow.api('POST', '/v2/lbaas/healthmonitors', { healthmonitor: { ...monitor, timeout: 2_073_601 } }), 'timeout', 'timeout');
    await created(elbow, '/v2/lbaas/healthmonitors', 'healthmonitor', { ...monitor, delay: 2_073_600 });

    // A flavor's listener defaults are checked against the same bound.
    const profile = await elbow.api('POST', '/v2/lbaas/flavorprofiles', {
      flavorprofile: { name: 'p', provider_name: 'elbow', flavor_data: JSON.stringify({ timeout_client_data: 2_147_483_648 }) },
    });
    assert.equal(profile.status, 400, JSON.stringify(profile.body));
  });

  it('item 8: a body nested 100,000 deep is a 400 with the error JSON, and the API keeps serving', async (t) => {
    const elbow = await startElbow();
    t.after(() => elbow.stop());
    const bodies = [
      `{"loadbalancer": ${'{"a": '.repeat(100_000)}1${'}'.repeat(100_000)}}`,
      `{"loadbalancer": {"name": "x", "tags": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    ];
    for (const body of bodies) {
      const response = await fetch(new URL('/v2/lbaas/loadbalancers', elbow.url), {
        method: 'POST',
        headers: { 'x-auth-token': elbow.token, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const answer = (await response.json()) as { faultcode?: string; code?: string; faultstring?: string };
      assert.equal(response.status, 400, JSON.stringify(answer));
      assert.equal(answer.faultcode, 'Client');
      assert.equal(answer.code, 'INVALID_JSON');
      assert.match(answer.faultstring ?? '', /nested more than 64 levels/);
    }
    // Brackets inside strings are text, not nesting.
    await created(elbow, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: '['.repeat(200), vip_address: '127.0.0.1' });
    assert.doesNotMatch(elbow.stderr(), /Maximum call stack|"level":"error"/);
  });

  it('item 9: a data directory and files group or others can read are tightened, and the change logged', async (t) => {
    const first = await startElbow();
    const dir = first.dataDir;
    await first.stop();
    const database = join(dir, 'elbow.db');
    const foreign = join(dir, 'notes.txt');
    writeFileSync(foreign, 'left here by someone');
    chmodSync(dir, 0o777);
    chmodSync(database, 0o644);
    chmodSync(foreign, 0o666);
    chmodSync(join(dir, 'api-token'), 0o640);

    const again = await startElbow({ dataDir: dir });
    t.after(() => again.stop());
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(database), 0o600);
    assert.equal(mode(foreign), 0o600);
    assert.equal(mode(join(dir, 'api-token')), 0o600);
    const logged = again.stderr().split('\n').filter((line) => line.includes('permissions tightened')).map((line) => JSON.parse(line) as { path: string; from: string; to: string });
    assert.deepEqual(
      logged.map((entry) => [entry.path, entry.from, entry.to]).sort(),
      [[dir, '0777', '0700'], [join(dir, 'api-token'), '0640', '0600'], [database, '0644', '0600'], [foreign, '0666', '0600']].sort(),
    );
    assert.equal((await again.api('GET', '/v2/lbaas/loadbalancers')).status, 200, 'and it serves');
  });

  it('item 9: a data directory elbow cannot make private (mode 0777, owned by someone else) stops the start with the reason; nothing is written', { skip: refuseSkip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elbow-foreign-'));
    try {
      chmodSync(dir, 0o777);
      // elbow runs as nobody: the directory is root's, so its chmod fails with EPERM.
      const failed = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', 'src/main.ts', 'serve', '--api', '127.0.0.1:0', '--data-dir', dir], {
        cwd: REPO_ROOT,
        env: { ...process.env, HOME: tmpdir(), ELBOW_WORKERS: '0' },
        timeout: 60_000,
      }).then(
        () => assert.fail('elbow started on a data directory others can write'),
        (error: { code?: number; stderr?: string }) => error,
      );
      assert.equal(failed.code, 1);
      assert.match(failed.stderr ?? '', new RegExp(`the data directory must be private .*${dir} has mode 0777 and could not be changed to 0700 \\(EPERM`));
      assert.deepEqual(readdirSync(dir), [], 'no token, no database');
      assert.equal(mode(dir), 0o777);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('item 10: control characters in names, descriptions and tags are a 400; other text is kept', async (t) => {
    const elbow = await startElbow();
    t.after(() => elbow.stop());
    const lbs = '/v2/lbaas/loadbalancers';
    for (const [field, value] of [['name', 'a\u0000b'], ['name', 'bell\u0007'], ['description', 'red \u001b[31m'], ['description', 'two\nlines'], ['name', 'c1\u0085']] as const) {
      const answer = await elbow.api('POST', lbs, { loadbalancer: { vip_address: '127.0.0.1', [field]: value } });
      assertRefused(answer, field, JSON.stringify(value));
      assert.match(answer.body.faultstring, /control characters/);
    }
    assertRefused(await elbow.api('POST', lbs, { loadbalancer: { vip_address: '127.0.0.1', tags: ['ok', 'tab\there'] } }), 'tags[1]', 'a tag');
    const lb = await created(elbow, lbs, 'loadbalancer', { name: 'café ☕ «ok»', description: 'quotes " and \\ are text', vip_address: '127.0.0.1' });
    assert.equal(lb.name, 'café ☕ «ok»');
    assertRefused(await elbow.api('PUT', `${lbs}/${lb.id}`, { loadbalancer: { name: 'x\u0000' } }), 'name', 'update');
    const pool = await elbow.api('POST', '/v2/lbaas/pools', { pool: { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', name: 'p\r\n' } });
    assertRefused(pool, 'name', 'pool name');
    const flavorprofile = await elbow.api('POST', '/v2/lbaas/flavorprofiles', { flavorprofile: { name: 'nul\u0000', provider_name: 'elbow', flavor_data: '{}' } });
    assertRefused(flavorprofile, 'name', 'flavor profile name');
    assertRefused(await elbow.api('POST', '/v2/lbaas/availabilityzones', { availability_zone: { name: 'zone\u0000', availability_zone_profile_id: 'x' } }), 'name', 'zone name');
    assert.equal((await elbow.api('GET', lbs)).body.loadbalancers.length, 1, 'nothing else was stored');
  });

  it('item 10: CONNECT to an HTTP listener is a 405 with Allow, then the connection closes; nothing reaches the member', async (t) => {
    const elbow = await startElbow();
    t.after(() => elbow.stop());
    const backend = await startBackend(t, 'member');
    const lb = await created(elbow, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'c', vip_address: '127.0.0.1' });
    const pool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await created(elbow, `/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: backend.port });
    const port = await freePort();
    await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: port, default_pool_id: pool.id });
    const attempts = [
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
      // Node's parser takes this one for an upgrade: it must not become a tunnel nor a silent close.
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
      // Bytes a client sends through the tunnel it expects, pipelined: never forwarded.
      'CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\n\r\nGET /inside HTTP/1.1\r\nHost: a\r\n\r\n',
    ];
    for (const attempt of attempts) {
      const { text, closedByServer } = await rawExchange(port, attempt, 5_000);
      assert.match(text, /^HTTP\/1\.1 405 Method Not Allowed\r\n/, JSON.stringify(attempt));
      assert.match(text, /\r\nallow: GET, HEAD, POST/i);
      assert.match(text, /\r\nconnection: close\r\n/i);
      assert.equal(text.split('HTTP/1.1 ').length - 1, 1, 'one answer, nothing after it');
      assert.ok(closedByServer, 'the connection is closed');
    }
    assert.equal(backend.seen.length, 0, 'the member received nothing');
    const ordinary = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 5_000);
    assert.match(ordinary.text, /^HTTP\/1\.1 200 /, 'the listener still serves');
  });

  it('item 10: CONNECT over HTTP/2 and over HTTP/1.1 on a TLS listener is a 405 with Allow', async (t: TestContext) => {
    const ca = createTestCa();
    t.after(() => ca.close());
    const certificate = ca.issueServer(['shop.test']);
    const backend = await startBackend(t, 'member');
    const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
    const tls = { defaultCertificate: certificate.snapshot('c'), sniCertificates: [], clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE' as const, versions: null, ciphers: null, alpnProtocols: ['h2', 'http/1.1'] };
    const { port } = await startListener(t, createHttpsListener, listener({ protocol: 'TERMINATED_HTTPS', tls }), context);

    const session = h2connect(`https://127.0.0.1:${port}`, { ca: ca.caPem, servername: 'shop.test' });
    session.on('error', () => undefined);
    t.after(() => session.close());
    const answer = await new Promise<{ headers: Record<string, unknown>; body: string; ended: boolean }>((resolve) => {
      const stream = session.request({ [h2.HTTP2_HEADER_METHOD]: 'CONNECT', [h2.HTTP2_HEADER_AUTHORITY]: 'example.com:443' });
      let headers: Record<string, unknown> = {};
      let body = '';
      stream.on('response', (h) => { headers = h; });
      stream.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      stream.on('end', () => resolve({ headers, body, ended: true }));
      stream.on('error', () => resolve({ headers, body, ended: false }));
    });
    assert.equal(answer.headers[h2.HTTP2_HEADER_STATUS], 405);
    assert.match(String(answer.headers.allow), /^GET, HEAD, POST/);
    assert.match(answer.body, /CONNECT is not supported/);
    assert.ok(answer.ended, 'the stream ends with the answer');

    const overTls = await new Promise<string>((resolve) => {
      const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'shop.test', ca: ca.caPem, ALPNProtocols: ['http/1.1'] });
      let text = '';
      socket.on('secureConnect', () => socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n'));
      socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(text));
      setTimeout(() => socket.destroy(), 5_000).unref();
    });
    assert.match(overTls, /^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    assert.equal(backend.seen.length, 0, 'the member received nothing');
  });

  for (const engine of ['node', 'haproxy'] as const) {
    const skip = engine === 'haproxy' ? haproxyMissing() : false;
    it(`item 11: desync_mitigation_mode: Elasticsearch's GET _search with a body, through curl, in each mode (${engine} engine)`, { skip }, (t) => searchInEachMode(t, engine));
  }
});

/** Item 11 on either engine: the same curl requests, answers and log lines. */
async function searchInEachMode(t: TestContext, engine: 'node' | 'haproxy'): Promise<void> {
  const elbow = await startElbow({ args: ['--engine', engine] });
  t.after(() => elbow.stop());
  const backend = await startBackend(t, 'member', (req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => res.end(`searched ${body}`));
  });
  const lb = await created(elbow, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'es', vip_address: '127.0.0.1' });
  const pool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
  await created(elbow, `/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: backend.port });
  const port = await freePort();
  const http = await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: port, default_pool_id: pool.id });
  assert.equal(http.desync_mitigation_mode, 'defensive', 'the default');
  const search = () => run('curl', ['-sS', '-m', '10', '-X', 'GET', '-H', 'content-type: application/json', '-d', '{"query":{"match_all":{}}}', '-D', '-', `http://127.0.0.1:${port}/_search`]).then((r) => r.stdout);

  const defensive = await search();
  assert.match(defensive, /^HTTP\/1\.1 200 /);
  assert.match(defensive, /\r\nconnection: close\r\n/i, 'defensive: the client connection closes after the answer');
  assert.match(defensive, /searched \{"query":\{"match_all":\{\}\}\}$/);
  assert.equal(backend.seen.at(-1)?.headers.connection, 'close', 'defensive: the member connection is not reused');

  const update = async (value: unknown) => elbow.api('PUT', `/v2/lbaas/listeners/${http.id}`, { listener: { desync_mitigation_mode: value } });
  assert.equal((await update('strictest')).status, 200);
  const before = backend.seen.length;
  const strictest = await search();
  assert.match(strictest, /^HTTP\/1\.1 400 /);
  assert.match(strictest, /a GET (or HEAD )?request with a body/);
  assert.equal(backend.seen.length, before, 'strictest: nothing reached the member');

  assert.equal((await update('monitor')).status, 200);
  const monitor = await search();
  assert.match(monitor, /^HTTP\/1\.1 200 /);
  // HTTP/1.1 connections persist unless closed (HAProxy sends no keep-alive header).
  assert.doesNotMatch(monitor, /\r\nconnection: close\r\n/i, 'monitor: the connection is kept');
  assert.notEqual(backend.seen.at(-1)?.headers.connection, 'close');
  // The haproxy engine's log line arrives a moment after the answer (a syslog datagram).
  const logged = 'ambiguous request forwarded (desync_mitigation_mode monitor)';
  for (let i = 0; i < 50 && !elbow.stderr().includes(logged); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(elbow.stderr().includes(logged), 'monitor: logged');
  assert.ok(elbow.stderr().includes('ambiguous request forwarded (desync_mitigation_mode defensive)'), 'defensive: logged');

  assertRefused(await update('lenient'), 'desync_mitigation_mode', 'an unknown mode');
  const tcp = await elbow.api('POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: await freePort(), desync_mitigation_mode: 'strictest' } });
  assert.equal(tcp.status, 400, `only HTTP listeners: ${JSON.stringify(tcp.body)}`);
}
