// The balancing algorithms, on TCP listeners (and round robin per request on HTTP), with the
// same expectations on both engines: ROUND_ROBIN by weight, LEAST_CONNECTIONS to the member with
// the fewest open connections, SOURCE_IP one member per client address, SOURCE_IP_PORT one
// member per client address and port.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { it, type TestContext } from 'node:test';
import type { SnapshotPool } from '../../src/snapshot/snapshot.js';
import { send, startBackend } from '../helpers/l7-harness.js';
import { eventually, freePort, makeListener, makeMember, makePool, makeSnapshot, startNameServer, startServer, type TestServer } from '../unit/dataplane/support.js';
import { whoAnswers } from './clients.js';
import { applyServing, forEachEngine, type RunningEngine } from './engines.js';

/** Name servers a, b, c…: each answers a connection with its name and closes. */
async function nameServers(t: TestContext, names: readonly string[]): Promise<TestServer[]> {
  const servers = await Promise.all(names.map((name) => startNameServer(name)));
  t.after(() => Promise.all(servers.map((server) => server.close())));
  return servers;
}

/** A TCP listener in front of `pool`; its port. */
async function serve(engine: RunningEngine, pool: SnapshotPool): Promise<number> {
  const port = await freePort();
  await applyServing(engine, makeSnapshot(1, [makeListener({ id: 'l', port, defaultPoolId: pool.id })], [pool]));
  return port;
}

function tally(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

forEachEngine('Balancing', (engine) => {
  it('ROUND_ROBIN: connections go round the members in proportion to their weights', async (t) => {
    const [a, b, c] = await nameServers(t, ['a', 'b', 'c']);
    const hx = await engine.start(t);
    const port = await serve(hx, makePool({ id: 'p', members: [
      makeMember({ id: 'a', port: a?.port ?? 0, weight: 3 }), makeMember({ id: 'b', port: b?.port ?? 0, weight: 1 }), makeMember({ id: 'c', port: c?.port ?? 0, weight: 0 }),
    ] }));
    const names: string[] = [];
    for (let i = 0; i < 40; i++) names.push(await whoAnswers(port));
    // Weight 0: never chosen.
    assert.deepEqual(tally(names), { a: 30, b: 10 });
  });

  it('ROUND_ROBIN on HTTP: each request of one keep-alive connection is balanced on its own', async (t) => {
    const a = await startBackend(t, 'a');
    const b = await startBackend(t, 'b');
    const hx = await engine.start(t);
    const port = await freePort();
    const pool = makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'a', port: a.port }), makeMember({ id: 'b', port: b.port })] });
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'p' })], [pool]));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const bodies: string[] = [];
    for (let i = 0; i < 6; i++) bodies.push((await send(port, '/', { agent })).body);
    assert.deepEqual(tally(bodies), { a: 3, b: 3 });
    assert.equal(bodies[0] === bodies[1], false, 'alternating');
  });

  it('LEAST_CONNECTIONS: a new connection goes to the member with the fewest open', async (t) => {
    // Members that say who they are and keep the connection open until the client closes it.
    const servers = await Promise.all(['a', 'b', 'c'].map((name) => startServer((socket) => {
      socket.write(name);
      socket.on('end', () => socket.end());
    })));
    t.after(() => Promise.all(servers.map((server) => server.close())));
    const hx = await engine.start(t);
    const port = await serve(hx, makePool({ id: 'p', algorithm: 'LEAST_CONNECTIONS', members: servers.map((server, i) => makeMember({ id: `m${i}`, port: server.port })) }));
    const held = new Map<string, Socket>();
    const hold = async (): Promise<string> => {
      const socket = connect({ host: '127.0.0.1', port });
      t.after(() => socket.destroy());
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      held.set(chunk.toString(), socket);
      return chunk.toString();
    };
    const first = [await hold(), await hold(), await hold()];
    assert.deepEqual([...first].sort(), ['a', 'b', 'c'], 'one connection each: nobody gets a second while another has none');
    // Close the second member's connection: round robin would go back to the first, least
    // connections to the one now without any.
    const second = first[1] ?? '';
    const server = servers[['a', 'b', 'c'].indexOf(second)];
    held.get(second)?.destroy();
    await eventually('the member side closed too', () => server?.sockets.size === 0);
    assert.equal(await hold(), second);
  });

  it('SOURCE_IP: every connection of one client address goes to one member; addresses spread', async (t) => {
    const servers = await nameServers(t, ['a', 'b', 'c']);
    const hx = await engine.start(t);
    const port = await serve(hx, makePool({ id: 'p', algorithm: 'SOURCE_IP', members: servers.map((server, i) => makeMember({ id: `m${i}`, port: server.port })) }));
    const chosen = new Set<string>();
    for (let host = 1; host <= 12; host++) {
      const address = `127.0.0.${host}`;
      const names = new Set<string>();
      for (let i = 0; i < 4; i++) names.add(await whoAnswers(port, address));
      assert.equal(names.size, 1, `${address} always reaches the same member`);
      chosen.add([...names][0] ?? '');
    }
    assert.ok(chosen.size >= 2, `client addresses spread over the members (${[...chosen].join(', ')})`);
  });

  it('SOURCE_IP_PORT: one member per client address and port; ports of one address spread', async (t) => {
    const servers = await nameServers(t, ['a', 'b', 'c']);
    const hx = await engine.start(t);
    const port = await serve(hx, makePool({ id: 'p', algorithm: 'SOURCE_IP_PORT', members: servers.map((server, i) => makeMember({ id: `m${i}`, port: server.port })) }));
    const chosen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const clientPort = await freePort();
      // The same address and port twice (the member closes first, so the client's port is free at once).
      const first = await whoAnswers(port, '127.0.0.9', clientPort);
      assert.equal(await whoAnswers(port, '127.0.0.9', clientPort), first, `127.0.0.9:${clientPort} reaches the same member again`);
      chosen.add(first);
    }
    assert.ok(chosen.size >= 2, `the ports of one address spread over the members (${[...chosen].join(', ')})`);
  });
});
