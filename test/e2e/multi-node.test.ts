// Several `elbow serve` processes on one PostgreSQL database: the nodes register and heartbeat,
// see each other (API and `elbow status`), a killed node is shown down; any node takes writes
// and the port rule holds across nodes; a load balancer is served by the nodes of its
// availability zone and moves when its zone changes. The nodes share this host's loopback, so a
// load balancer is placed on one node at a time (a VIP without a zone is every node's: that case
// runs in network namespaces, test/e2e/vip-failover-netns.test.ts).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { createTestDatabase, postgresUnavailable, type TestDatabase } from '../helpers/postgres-database.js';
import { eventually, freePort, startNameServer } from '../unit/dataplane/support.js';
import { ask } from '../helpers/tcp-ask.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const TOKEN = 'multi-node-test-token';
const HEARTBEAT_SECONDS = 0.5;
const unavailable = await postgresUnavailable();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON

function startNode(db: TestDatabase, name: string, zone: string | null, extra: string[] = []): Promise<ElbowProcess> {
  return startElbow({
    args: ['--store', db.url, '--node-name', name, ...(zone === null ? [] : ['--availability-zone', zone]), '--heartbeat-interval', String(HEARTBEAT_SECONDS), ...extra],
    env: { ELBOW_API_TOKEN: TOKEN },
  });
}

async function created(node: ElbowProcess, path: string, kind: string, body: Json): Promise<Json> {
  const answer = await node.api('POST', path, { [kind]: body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body[kind];
}

async function nodesSeenBy(node: ElbowProcess): Promise<Json[]> {
  const answer = await node.api('GET', '/v2/lbaas/nodes');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.nodes;
}

/** A loopback VIP unlikely to be another test's (they use 127.0.1.x from the default range). */
function vip(): string {
  return `127.0.${200 + (process.pid % 50)}.${1 + Math.floor(Math.random() * 250)}`;
}

describe('several elbow nodes on one PostgreSQL', { skip: unavailable, timeout: 180_000 }, () => {
  let db: TestDatabase;
  let first: ElbowProcess;
  let second: ElbowProcess;
  before(async () => {
    db = await createTestDatabase('elbow_nodes');
    [first, second] = await Promise.all([startNode(db, 'node-a', 'zone-a'), startNode(db, 'node-b', 'zone-b')]);
    // A load balancer names a zone the API knows (Octavia's availability zones and their profiles).
    const profile = await created(first, '/v2/lbaas/availabilityzoneprofiles', 'availability_zone_profile', { name: 'plain', provider_name: 'elbow', availability_zone_data: '{}' });
    for (const name of ['zone-a', 'zone-b', 'zone-c', 'nowhere']) {
      await created(first, '/v2/lbaas/availabilityzones', 'availability_zone', { name, availability_zone_profile_id: profile.id });
    }
  });
  after(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await db?.drop();
  });

  it('each node registers and heartbeats: the API, /healthz and `elbow status` show name, zone, applied revision, heartbeat and health', async () => {
    // node-a took the writes of before(): the revision it applied is the store's.
    const revision = ((await (await fetch(new URL('/healthz', first.url))).json()) as Json).applied_revision;
    await eventually('both nodes listed, ok and at the store revision', async () => {
      const nodes = await nodesSeenBy(first);
      return nodes.length === 2 && nodes.every((node) => node.health === 'ok' && node.applied_revision === revision);
    });
    const nodes = await nodesSeenBy(second);
    assert.deepStrictEqual(
      nodes.map((node) => [node.name, node.availability_zone, node.local]),
      [
        ['node-a', 'zone-a', false],
        ['node-b', 'zone-b', true],
      ],
    );
    for (const node of nodes) {
      assert.equal(node.heartbeat_interval, HEARTBEAT_SECONDS);
      assert.ok(node.seconds_since_heartbeat < 3 * HEARTBEAT_SECONDS, JSON.stringify(node));
      assert.ok(!Number.isNaN(Date.parse(node.last_heartbeat)));
      assert.match(node.api_url, /^http:\/\/127\.0\.0\.1:\d+$/);
    }
    const health = await fetch(new URL('/healthz', first.url));
    assert.equal(health.status, 200);
    assert.deepStrictEqual(await health.json(), {
      status: 'ok',
      node: 'node-a',
      availability_zone: 'zone-a',
      applied_revision: revision,
      store: 'ok',
      data_plane: 'ok',
      reasons: [],
    });
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/main.ts'), 'status', '--url', first.url, '--token', TOKEN], { cwd: REPO_ROOT });
    assert.match(stdout, /^NODE\s+ZONE\s+HEALTH\s+ENGINE\s+REVISION\s+HEARTBEAT\s+VRRP\s+LOADBALANCERS$/m);
    assert.match(stdout, /^node-a \*\s+zone-a\s+ok\s+node\s+\d+\s+[\d.]+ s ago/m);
    assert.match(stdout, /^node-b\s+zone-b\s+ok\s+node\s+\d+\s+[\d.]+ s ago/m);
  });

  it('a second process cannot take the name of a live node', async () => {
    await assert.rejects(startNode(db, 'node-a', 'zone-a'), /node name "node-a" is in use by another elbow node/);
  });

  it('any node takes writes, and two nodes creating the same port at once give exactly one 201', async (t) => {
    // A zone no node serves: the race is about the store, not about binding.
    const lb = await created(first, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'race', vip_address: vip(), availability_zone: 'nowhere' });
    const outcomes: string[] = [];
    for (let round = 0; round < 15; round++) {
      const port = 20_000 + round;
      const body = { listener: { loadbalancer_id: lb.id, protocol: round % 2 === 0 ? 'TCP' : 'HTTP', protocol_port: port } };
      const answers = await Promise.all([first.api('POST', '/v2/lbaas/listeners', body), second.api('POST', '/v2/lbaas/listeners', body)]);
      const statuses = answers.map((answer) => answer.status).sort();
      assert.deepStrictEqual(statuses, [201, 409], `port ${port}: ${JSON.stringify(answers.map((answer) => answer.body))}`);
      const loser = answers.find((answer) => answer.status === 409);
      assert.equal(loser?.body.code, 'LISTENER_PORT_CONFLICT');
      outcomes.push(answers[0]?.status === 201 ? 'node-a' : 'node-b');
    }
    const listed = await second.api('GET', `/v2/lbaas/listeners?loadbalancer_id=${lb.id}`);
    assert.equal(listed.body.listeners.length, 15);
    // Which node wins is up to the race; both taking writes is what matters.
    t.diagnostic(`port races won by: ${outcomes.join(' ')}`);
  });

  it('a load balancer is served by the nodes of its zone only, and follows a change of zone', async (t) => {
    const member = await startNameServer('member');
    t.after(() => member.close());
    const address = vip();
    const port = await freePort();
    // Created through node-b, which does not serve zone-a.
    const lb = await created(second, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'zoned', vip_address: address, availability_zone: 'zone-a' });
    const pool = await created(second, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
    await created(second, `/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: member.port });
    const listener = await created(second, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: port, default_pool_id: pool.id });
    const connections = async (node: ElbowProcess) => (await node.api('GET', `/v2/lbaas/listeners/${listener.id}/stats`)).body.stats.total_connections as number;

    await eventually('node-a serves the zone-a load balancer', async () => (await ask(address, port)) === 'member');
    assert.ok((await connections(first)) >= 1, 'node-a carried the connection');
    assert.equal(await connections(second), 0, 'node-b serves nothing of zone-a');
    const placed = Object.fromEntries((await nodesSeenBy(second)).map((node) => [node.name, node.loadbalancers]));
    assert.ok(placed['node-a'].includes(lb.id) && !placed['node-b'].includes(lb.id), JSON.stringify(placed));

    const unknown = await second.api('PUT', `/v2/lbaas/loadbalancers/${lb.id}`, { loadbalancer: { availability_zone: 'no-such-zone' } });
    assert.equal(unknown.status, 400, 'a zone the API does not know is refused on update as on create');
    // A zone no node serves first: both nodes share this host's ports, and node-b must not try
    // to bind before node-a let go (on separate hosts the move is one step).
    const away = await second.api('PUT', `/v2/lbaas/loadbalancers/${lb.id}`, { loadbalancer: { availability_zone: 'zone-c' } });
    assert.equal(away.status, 200, JSON.stringify(away.body));
    assert.equal(away.body.loadbalancer.availability_zone, 'zone-c');
    await eventually('node-a let go of it', async () => (await ask(address, port)) === null);
    const moved = await first.api('PUT', `/v2/lbaas/loadbalancers/${lb.id}`, { loadbalancer: { availability_zone: 'zone-b' } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    await eventually('node-b serves it in zone-b', async () => (await ask(address, port)) === 'member');
    assert.ok((await connections(second)) >= 1, 'node-b carried the connection');
  });

  it('a node killed with SIGKILL is shown down within three heartbeats; one stopped with SIGTERM at once', async (t) => {
    const third = await startNode(db, 'node-c', 'zone-c');
    await eventually('node-c listed as ok', async () => (await nodesSeenBy(first)).some((node) => node.name === 'node-c' && node.health === 'ok'));
    const killedAt = Date.now();
    await third.kill9();
    await eventually('node-c shown down', async () => (await nodesSeenBy(first)).find((node) => node.name === 'node-c')?.health === 'down', 30_000);
    const shownDownAfter = (Date.now() - killedAt) / 1000;
    const down = (await nodesSeenBy(first)).find((node) => node.name === 'node-c');
    assert.match(down?.health_detail, /^no heartbeat for [\d.]+ s$/);
    t.diagnostic(`node killed with SIGKILL shown down after ${shownDownAfter.toFixed(1)} s (heartbeat every ${HEARTBEAT_SECONDS} s, down after 3 missed)`);
    const removed = await first.api('DELETE', '/v2/lbaas/nodes/node-c');
    assert.equal(removed.status, 204);
    const alive = await first.api('DELETE', '/v2/lbaas/nodes/node-b');
    assert.equal(alive.status, 409);
    assert.equal(alive.body.code, 'NODE_NOT_DOWN');

    await second.stop();
    const stopped = (await nodesSeenBy(first)).find((node) => node.name === 'node-b');
    assert.equal(stopped?.health, 'down');
    assert.equal(stopped?.health_detail, 'stopped');
  });
});
