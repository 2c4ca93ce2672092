// Store outages, against a PostgreSQL server of the test's own (test/helpers/private-postgres.ts):
// node-a reaches it through a forwarder the test can cut (a network partition between one node
// and the store), node-b directly.
//   - node-a cut off keeps serving its last snapshot, answers writes 503 with the error JSON, says
//     degraded on /healthz, reads from what it has; node-b goes on taking writes; once the
//     forwarder is back, node-a catches up by itself.
//   - A PostgreSQL restart (immediate shutdown, as a crash) while both nodes write: every write
//     acknowledged (201) is there afterwards, the others were 503, and both nodes take writes again.
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { eventually, freePort, startNameServer, type TestServer } from '../unit/dataplane/support.js';
import { ask } from '../helpers/tcp-ask.js';

const TOKEN = 'store-outage-token';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON

/** A TCP forwarder to PostgreSQL that the test can cut (refusing and dropping connections) and restore. */
class Forwarder {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  static async start(target: number): Promise<Forwarder> {
    const forwarder = new Forwarder(await freePort(), target);
    await forwarder.restore();
    return forwarder;
  }

  restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: this.target });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  }
}

async function created(node: ElbowProcess, path: string, kind: string, body: Json): Promise<Json> {
  const answer = await node.api('POST', path, { [kind]: body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body[kind];
}

async function health(node: ElbowProcess): Promise<{ status: number; body: Json }> {
  const response = await fetch(new URL('/healthz', node.url));
  return { status: response.status, body: (await response.json()) as Json };
}

const vip = `127.0.${200 + (process.pid % 50)}.${1 + Math.floor(Math.random() * 250)}`;

describe('store outages', { skip: privatePostgresUnavailable(), timeout: 180_000 }, () => {
  let postgres: PrivatePostgres;
  let forwarder: Forwarder;
  let nodeA: ElbowProcess;
  let nodeB: ElbowProcess;
  let member: TestServer;
  before(async () => {
    postgres = await startPrivatePostgres({ port: await freePort() });
    forwarder = await Forwarder.start(postgres.port);
    member = await startNameServer('member');
    const node = (name: string, zone: string, port: number) =>
      startElbow({
        args: ['--store', `postgres://postgres@127.0.0.1:${port}/postgres`, '--node-name', name, '--availability-zone', zone, '--heartbeat-interval', '0.5'],
        env: { ELBOW_API_TOKEN: TOKEN },
      });
    [nodeA, nodeB] = await Promise.all([node('node-a', 'zone-a', forwarder.port), node('node-b', 'zone-b', postgres.port)]);
    const profile = await created(nodeB, '/v2/lbaas/availabilityzoneprofiles', 'availability_zone_profile', { name: 'plain', provider_name: 'elbow', availability_zone_data: '{}' });
    for (const name of ['zone-a', 'zone-b', 'nowhere']) await created(nodeB, '/v2/lbaas/availabilityzones', 'availability_zone', { name, availability_zone_profile_id: profile.id });
  });
  after(async () => {
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await forwarder?.cut();
    await member?.close();
    await postgres?.destroy();
  });

  it('a node cut off from PostgreSQL keeps serving, answers writes 503 with the error JSON, says degraded, and catches up by itself', async (t) => {
    const [first, second, third] = [await freePort(), await freePort(), await freePort()];
    const lb = await created(nodeA, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'cut', vip_address: vip, availability_zone: 'zone-a' });
    const pool = await created(nodeA, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
    await created(nodeA, `/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: member.port });
    const listener = (port: number) => ({ listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: port, default_pool_id: pool.id } });
    assert.equal((await nodeA.api('POST', '/v2/lbaas/listeners', listener(first))).status, 201);
    assert.equal(await ask(vip, first), 'member');

    await forwarder.cut();
    const cutAt = Date.now();
    const refused = await nodeA.api('POST', '/v2/lbaas/listeners', listener(second));
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'STORE_UNAVAILABLE');
    assert.equal(refused.body.faultcode, 'Server');
    assert.match(refused.body.faultstring, /^The configuration store is unreachable \(PostgreSQL: .+\); this node keeps serving the configuration it has/);
    assert.equal(await ask(vip, first), 'member', 'node-a serves its last snapshot');
    await eventually('node-a says degraded', async () => (await health(nodeA)).body.status === 'degraded');
    const degraded = await health(nodeA);
    assert.equal(degraded.status, 200, 'degraded still serves: keepalived keeps its VIPs');
    assert.equal(degraded.body.store, 'unreachable');
    assert.equal(degraded.body.data_plane, 'ok');
    assert.match(degraded.body.reasons[0], /^the store is unreachable \(.+\): serving revision \d+ until it is back$/);
    const read = await nodeA.api('GET', `/v2/lbaas/loadbalancers/${lb.id}`);
    assert.equal(read.status, 200, 'reads answer from the configuration node-a has');

    // The other node still reaches the store: its change is for zone-a, which node-a serves.
    assert.equal((await nodeB.api('POST', '/v2/lbaas/listeners', listener(second))).status, 201);
    assert.equal(await ask(vip, second), null, 'node-a cannot know yet');
    await eventually('node-b shows node-a down', async () => ((await nodeB.api('GET', '/v2/lbaas/nodes/node-a')).body.node?.health ?? '') === 'down');

    await forwarder.restore();
    const restoredAt = Date.now();
    await eventually('node-a serves the change made while it was cut off', async () => (await ask(vip, second)) === 'member', 30_000);
    const caughtUpMs = Date.now() - restoredAt;
    await eventually('node-a is ok again', async () => (await health(nodeA)).body.status === 'ok');
    assert.equal((await nodeA.api('POST', '/v2/lbaas/listeners', listener(third))).status, 201, 'node-a takes writes again');
    assert.equal(await ask(vip, third), 'member');
    t.diagnostic(`node-a cut off from PostgreSQL for ${((restoredAt - cutAt) / 1000).toFixed(1)} s served throughout; caught up ${caughtUpMs} ms after the store came back`);
  });

  it('a PostgreSQL restart loses nothing acknowledged: the writes in between answer 503, and both nodes take writes again', async (t) => {
    const lb = await created(nodeB, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'restart', vip_address: `${vip.slice(0, vip.lastIndexOf('.'))}.251`, availability_zone: 'nowhere' });
    const outcomes: { node: string; status: number; code?: string; id?: string; after: boolean }[] = [];
    let nextPort = 30_000;
    let restarted = false;
    let stop = false;
    const writer = async (node: ElbowProcess, name: string) => {
      while (!stop) {
        const port = nextPort++;
        const answer = await node.api('POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: port } });
        outcomes.push({ node: name, status: answer.status, code: answer.body?.code, id: answer.body?.listener?.id, after: restarted });
        if (answer.status !== 201) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const writers = [writer(nodeA, 'node-a'), writer(nodeB, 'node-b')];
    try {
      await eventually('a few writes before the restart', () => outcomes.filter((o) => o.status === 201).length >= 6);
      const restartStarted = Date.now();
      await postgres.restartImmediate();
      restarted = true;
      t.diagnostic(`PostgreSQL restarted (immediate shutdown, then start) in ${Date.now() - restartStarted} ms`);
      const acceptedAfter = (name: string) => outcomes.filter((o) => o.after && o.node === name && o.status === 201).length;
      await eventually('both nodes take writes again', () => acceptedAfter('node-a') >= 3 && acceptedAfter('node-b') >= 3, 60_000);
    } finally {
      stop = true;
      await Promise.all(writers);
    }

    const acknowledged = outcomes.filter((o) => o.status === 201);
    const refused = outcomes.filter((o) => o.status !== 201);
    t.diagnostic(`${outcomes.length} writes: ${acknowledged.length} acknowledged (201), ${refused.length} refused (${[...new Set(refused.map((o) => `${o.status} ${o.code}`))].join(', ') || 'none'})`);
    for (const outcome of refused) assert.deepStrictEqual([outcome.status, outcome.code], [503, 'STORE_UNAVAILABLE'], 'a write the store could not take is a 503');
    const client = new pg.Client({ connectionString: postgres.url() });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('SELECT id FROM elbow.listener WHERE loadbalancer_id = $1', [lb.id]);
      const stored = new Set(rows.map((row) => row.id));
      const lost = acknowledged.filter((o) => !stored.has(o.id as string));
      assert.deepStrictEqual(lost, [], 'every acknowledged write is stored');
    } finally {
      await client.end();
    }
    const listed = await nodeA.api('GET', `/v2/lbaas/listeners?loadbalancer_id=${lb.id}`);
    const shown = new Set((listed.body.listeners as Json[]).map((listener) => listener.id));
    assert.ok(acknowledged.every((o) => shown.has(o.id)), 'and node-a shows every one');
  });
});
