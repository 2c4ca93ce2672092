// Sticky tables shared between data plane workers: SOURCE_IP persistence and learned APP_COOKIE
// values hold whichever worker accepts a client's next connection.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { createClusteredDataPlane } from '../../src/dataplane/cluster/clustered-dataplane.js';
import type { SnapshotPool } from '../../src/snapshot/snapshot.js';
import { freePort, snapshotOf, tcpListener, tcpPool, until } from '../unit/dataplane/cluster/cluster-fixtures.js';

/** TCP members that answer every connection with their name. */
async function namedTcpMembers(t: test.TestContext, names: readonly string[]): Promise<{ id: string; port: number }[]> {
  return Promise.all(names.map(async (name) => {
    const server = net.createServer((socket) => socket.end(name));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    return { id: name, port: (server.address() as net.AddressInfo).port };
  }));
}

function memberFor(port: number, localAddress: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(2_000, () => socket.destroy(new Error('timeout')));
  });
}

/**
 * Waits until every binding made so far has reached every worker. A worker sends its new bindings
 * in a batch at the end of its event-loop turn, so a first status round trip (answered after that
 * batch, on the same pipe) makes sure the primary has received and relayed them; the second one
 * reaches the other workers behind the relay.
 */
async function bindingsSettled(plane: ReturnType<typeof createClusteredDataPlane>): Promise<void> {
  await plane.workers();
  await plane.workers();
}

const workersServed = async (plane: ReturnType<typeof createClusteredDataPlane>, listenerId: string): Promise<number> =>
  (await plane.workers()).filter((w) => (w.stats?.listeners[listenerId]?.total_connections ?? 0) > 0).length;

test('SOURCE_IP persistence holds across workers', async (t) => {
  const members = await namedTcpMembers(t, ['a', 'b', 'c']);
  const port = await freePort();
  const plane = createClusteredDataPlane({ workers: 2, logLevel: 'warn' });
  t.after(() => plane.close(1_000));
  const pool: SnapshotPool = { ...tcpPool('pool-1', members), sessionPersistence: { type: 'SOURCE_IP', cookieName: null, timeoutSeconds: 360, granularity: null } };
  await plane.apply(snapshotOf(1, [tcpListener('listener-1', port, 'pool-1')], [pool]));

  // Several client addresses (all of 127.0.0.0/8 is loopback), each connecting many times.
  const clients = Array.from({ length: 6 }, (_, i) => `127.0.0.${10 + i}`);
  const first = new Map(await Promise.all(clients.map(async (client) => [client, await memberFor(port, client)] as const)));
  // Bindings travel to the other worker asynchronously (as between HAProxy peers).
  await bindingsSettled(plane);
  const seen = new Map<string, Set<string>>(clients.map((client) => [client, new Set([first.get(client) ?? ''])]));
  await until('connections accepted by both workers', async () => {
    for (const client of clients) seen.get(client)?.add(await memberFor(port, client));
    return (await workersServed(plane, 'listener-1')) === 2;
  });
  for (let round = 0; round < 5; round++) {
    await Promise.all(clients.map(async (client) => seen.get(client)?.add(await memberFor(port, client))));
  }
  for (const [client, answered] of seen) assert.equal(answered.size, 1, `${client} reached ${[...answered].join(', ')}`);
  assert.ok(new Set([...seen.values()].flatMap((s) => [...s])).size > 1, 'clients spread over members');
});

test('a learned APP_COOKIE value routes to its member on every worker', async (t) => {
  let sessions = 0;
  const members = await Promise.all(['a', 'b'].map(async (name) => {
    const server = http.createServer((req, res) => {
      const cookie = /sess=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (!cookie) res.setHeader('set-cookie', `sess=${name}-${++sessions}; Path=/`);
      res.end(name);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    return { id: name, port: (server.address() as net.AddressInfo).port };
  }));
  const port = await freePort();
  const plane = createClusteredDataPlane({ workers: 2, logLevel: 'warn' });
  t.after(() => plane.close(1_000));
  const pool: SnapshotPool = { ...tcpPool('pool-1', members), protocol: 'HTTP', sessionPersistence: { type: 'APP_COOKIE', cookieName: 'sess', timeoutSeconds: 360, granularity: null } };
  await plane.apply(snapshotOf(1, [{ ...tcpListener('listener-1', port, 'pool-1'), protocol: 'HTTP' }], [pool]));

  const get = (cookie?: string): Promise<{ member: string; setCookie: string | undefined }> => new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ member: body, setCookie: res.headers['set-cookie']?.[0]?.split(';')[0] }));
    });
    req.on('error', reject);
    req.setTimeout(2_000, () => req.destroy(new Error('timeout')));
  });
  // Four sessions, each then used over new connections until both workers served the listener.
  const sessionsOf = await Promise.all(Array.from({ length: 4 }, () => get()));
  await bindingsSettled(plane);
  const answered = sessionsOf.map(() => new Set<string>());
  await until('requests through both workers', async () => {
    for (const [i, session] of sessionsOf.entries()) answered[i]?.add((await get(session.setCookie)).member);
    return (await workersServed(plane, 'listener-1')) === 2;
  });
  for (let round = 0; round < 3; round++) {
    for (const [i, session] of sessionsOf.entries()) answered[i]?.add((await get(session.setCookie)).member);
  }
  for (const [i, session] of sessionsOf.entries()) {
    assert.deepEqual([...(answered[i] ?? [])], [session.member], `session ${session.setCookie} stays on ${session.member}`);
  }
});
