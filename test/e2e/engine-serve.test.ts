// `elbow serve --engine haproxy` as a user runs it: one load balancer created through the API with
// HTTP, TCP and UDP listeners (TCP and UDP on the same port number), traffic through each with
// curl and socat, HAProxy's health checks in the status tree, HAProxy's listener in /metrics beside
// the Node engine's UDP listener, the engine in GET / and `elbow status`, and SIGTERM leaving no
// haproxy behind. Skipped, visibly, where HAProxy >= 2.6 is not installed; without it, the start
// fails with the way to install it.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { promisify } from 'node:util';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { haproxyMissing } from '../helpers/haproxy.js';
import { eventually, freePort, startNameServer } from '../unit/dataplane/support.js';

const run = promisify(execFile);
const REPO_ROOT = resolve(import.meta.dirname, '../..');

async function created(elbow: ElbowProcess, path: string, kind: string, body: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  const answer = await elbow.api('POST', path, { [kind]: body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body[kind];
}

/** An HTTP member answering every request with its name; close() stops it for good. */
async function httpMember(t: TestContext, name: string): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => response.end(name));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const close = () =>
    new Promise<void>((done) => {
      server.closeAllConnections();
      if (server.listening) server.close(() => done());
      else done();
    });
  t.after(close);
  return { port: address.port, close };
}

async function udpEcho(t: TestContext, name: string): Promise<number> {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => socket.send(`${name}:${message.toString()}`, from.port, from.address));
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
  t.after(() => new Promise<void>((done) => socket.close(() => done())));
  return socket.address().port;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** HAProxy's master and its workers, by PID. */
function haproxyPids(dataDir: string): number[] {
  const master = Number(readFileSync(join(dataDir, 'haproxy', 'haproxy.pid'), 'utf8').trim());
  const children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return [master, ...children];
}

interface StatusTree {
  statuses: { loadbalancer: { listeners: { id: string; operating_status: string; pools: { id: string; members: { id: string; operating_status: string }[] }[] }[] } };
}

describe('elbow serve --engine haproxy', { skip: haproxyMissing(), timeout: 170_000 }, () => {
  it('serves HTTP and TCP on HAProxy and UDP on the Node engine, as one load balancer', async (t) => {
    const elbow = await startElbow({ args: ['--engine', 'haproxy', '--drain-timeout', '2'] });
    t.after(() => elbow.stop('SIGKILL'));
    await elbow.waitForStdout(/^engine haproxy/m);
    assert.match(elbow.stdout(), /^engine haproxy: TCP, HTTP, HTTPS, TERMINATED_HTTPS, SSL \(HAProxy 2\.\d+[^)]*\); UDP on the node engine$/m);
    const root = await fetch(elbow.url).then((response) => response.json() as Promise<{ engine?: { name: string; protocols: Record<string, string[]> } }>);
    assert.equal(root.engine?.name, 'haproxy');
    assert.deepEqual(root.engine?.protocols.node, ['UDP']);

    const [web1, web2] = [await httpMember(t, 'web1'), await httpMember(t, 'web2')];
    const names = await startNameServer('tcp-member');
    t.after(() => names.close());
    const lb = await created(elbow, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'both-engines', vip_address: '127.0.0.1' });
    const httpPool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    const member1 = await created(elbow, `/v2/lbaas/pools/${httpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: web1.port });
    const member2 = await created(elbow, `/v2/lbaas/pools/${httpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: web2.port });
    await created(elbow, '/v2/lbaas/healthmonitors', 'healthmonitor', { pool_id: httpPool.id, type: 'HTTP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1, url_path: '/' });
    const tcpPool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
    await created(elbow, `/v2/lbaas/pools/${tcpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: names.port });
    const udpPool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' });
    await created(elbow, `/v2/lbaas/pools/${udpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: await udpEcho(t, 'udp-member') });

    const [sharedPort, httpPort] = [await freePort(), await freePort()];
    const http = await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: httpPort, default_pool_id: httpPool.id });
    const tcp = await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: sharedPort, default_pool_id: tcpPool.id });
    const udp = await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'UDP', protocol_port: sharedPort, default_pool_id: udpPool.id });
    for (const listener of [http, tcp, udp]) assert.equal(listener.provisioning_status, 'ACTIVE');
    // The first reload replaced a worker without listeners: nothing to hand over, nothing to alert.
    assert.doesNotMatch(elbow.stderr(), /haproxy alert|Failed to get the sockets/);

    // A port another program holds: the create's own answer says so (HAProxy's apply reported into
    // the runtime view before the API answered).
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => squatter.close(resolve)));
    const heldPort = (squatter.address() as { port: number }).port;
    const held = (await elbow.api('POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: heldPort, default_pool_id: tcpPool.id } })).body.listener;
    assert.equal(held.provisioning_status, 'ERROR');
    assert.match(held.provisioning_status_reason, /EADDRINUSE/);
    assert.equal((await elbow.api('DELETE', `/v2/lbaas/listeners/${held.id}`)).status, 204);

    // A value HAProxy cannot honour is a 400 naming the engine, and nothing is stored.
    const refused = await elbow.api('POST', '/v2/lbaas/pools', { pool: { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', session_persistence: { type: 'APP_COOKIE', cookie_name: 'a#b' } } });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, 'NOT_SUPPORTED_BY_ENGINE');
    assert.match(refused.body.faultstring, /haproxy engine/);
    assert.equal((await elbow.api('GET', '/v2/lbaas/pools')).body.pools.length, 3);

    // Traffic through each, with real clients.
    const answers = new Set<string>();
    for (let i = 0; i < 4; i++) answers.add((await run('curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${httpPort}/`])).stdout);
    assert.deepEqual(answers, new Set(['web1', 'web2']));
    // -t: socat keeps the client's side open until the member has answered (docs/engines.md: half-close).
    assert.equal((await run('socat', ['-t', '5', '-T', '5', '-', `TCP:127.0.0.1:${sharedPort}`], { timeout: 10_000 })).stdout, 'tcp-member');
    const udpAnswer = await run('sh', ['-c', `printf ping | socat -T 2 - UDP:127.0.0.1:${sharedPort}`], { timeout: 10_000 });
    assert.equal(udpAnswer.stdout, 'udp-member:ping');

    // HAProxy's health checks decide the members' operating status; a stopped member turns ERROR.
    const tree = async () => (await elbow.api('GET', `/v2/lbaas/loadbalancers/${lb.id}/status`)).body as StatusTree;
    const membersOf = (status: StatusTree) => Object.fromEntries(status.statuses.loadbalancer.listeners.flatMap((listener) => listener.pools.flatMap((pool) => pool.members.map((member) => [member.id, member.operating_status]))));
    await eventually('both HTTP members ONLINE', async () => {
      const members = membersOf(await tree());
      return members[member1.id] === 'ONLINE' && members[member2.id] === 'ONLINE';
    }, 20_000);
    const listeners = Object.fromEntries((await tree()).statuses.loadbalancer.listeners.map((listener) => [listener.id, listener.operating_status]));
    assert.deepEqual(listeners, { [http.id]: 'ONLINE', [tcp.id]: 'ONLINE', [udp.id]: 'ONLINE' });
    await web2.close();
    await eventually('the stopped member ERROR', async () => membersOf(await tree())[member2.id] === 'ERROR', 20_000);
    assert.equal(membersOf(await tree())[member1.id], 'ONLINE');

    // One /metrics: HAProxy's listeners and the Node engine's UDP listener, each family once.
    const metrics = await fetch(`${elbow.url}/metrics`).then((response) => response.text());
    assert.match(metrics, new RegExp(`^elbow_listener_connections_total\\{listener="${http.id}",loadbalancer="${lb.id}"\\} [1-9]`, 'm'));
    assert.match(metrics, new RegExp(`^elbow_listener_connections_total\\{listener="${tcp.id}",loadbalancer="${lb.id}"\\} [1-9]`, 'm'));
    assert.match(metrics, new RegExp(`^elbow_listener_connections_total\\{listener="${udp.id}",loadbalancer="${lb.id}"\\} [1-9]`, 'm'));
    assert.match(metrics, /^elbow_haproxy_workers [1-9]/m);
    // HAProxy counts responses by class and keeps no latency histogram (docs/engines.md).
    assert.match(metrics, new RegExp(`^elbow_listener_http_responses_total\\{listener="${http.id}",code="2xx"\\} [1-9]`, 'm'));
    assert.doesNotMatch(metrics, new RegExp(`^elbow_listener_http_request_duration_seconds_bucket\\{[^}]*listener="${http.id}"`, 'm'));
    assert.equal(metrics.match(/^# TYPE elbow_listener_connections_total /gm)?.length, 1);

    // `elbow status` names the engine of the node.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/main.ts'), 'status', '--url', elbow.url, '--token', elbow.token], { cwd: REPO_ROOT });
    assert.match(stdout, /^NODE\s+ZONE\s+HEALTH\s+ENGINE\s+/m);
    assert.match(stdout, /\s+haproxy 2\.\d+\S*\s+\d+\s+[\d.]+ s ago/m);

    // SIGTERM: elbow drains and stops HAProxy with it.
    const pids = haproxyPids(elbow.dataDir);
    assert.ok(pids.length >= 2, `master and a worker: ${pids.join(', ')}`);
    assert.ok(pids.every(alive));
    assert.equal(await elbow.stop('SIGTERM'), 0);
    assert.deepEqual(pids.filter(alive), []);
  });
});

describe('elbow serve --engine haproxy without HAProxy', { timeout: 60_000 }, () => {
  it('fails to start with the install command, exit status 1 and no stack trace', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'elbow-no-haproxy-'));
    try {
      const failed = await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/main.ts'), 'serve', '--engine', 'haproxy', '--haproxy-bin', join(dataDir, 'no-haproxy'), '--api', '127.0.0.1:0', '--data-dir', dataDir], { cwd: REPO_ROOT, timeout: 30_000 }).then(
        () => assert.fail('elbow serve started without HAProxy'),
        (error: { code?: number; stderr?: string }) => error,
      );
      assert.equal(failed.code, 1);
      assert.match(failed.stderr ?? '', /^elbow: the haproxy engine needs HAProxy >= 2\.6, and \S+ was not found\. Install it \(Debian\/Ubuntu: sudo apt-get install haproxy\) or give its path with --haproxy-bin$/m);
      assert.doesNotMatch(failed.stderr ?? '', /\n\s+at /);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
