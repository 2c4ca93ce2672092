// UDP listeners on real sockets: flows per client with replies to the right client, many clients
// at once, 64 KiB datagrams, ICMP errors breaking only their flow, idle expiry, UDP-CONNECT health.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createDataPlane } from '../../../src/dataplane/dataplane.js';
import { RuntimeView } from '../../../src/snapshot/runtime-view.js';
import type { SnapshotListener, SnapshotPool } from '../../../src/snapshot/snapshot.js';
import { eventually, freePort, makeListener, makeMember, makeMonitor, makePool, makeSnapshot } from './support.js';

type After = { after: (fn: () => Promise<void>) => void };

/** A UDP member on 127.0.0.1 that answers every datagram with `<name>:<datagram>`. */
async function startUdpMember(t: After, name: string): Promise<number> {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => socket.send(Buffer.concat([Buffer.from(`${name}:`), message]), from.port, from.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket.address().port;
}

interface UdpClient {
  /** Sends and waits for the next reply (resending a few times: UDP may drop). */
  request(message: string | Buffer): Promise<Buffer>;
  socket: Socket;
}

async function udpClient(t: After, port: number): Promise<UdpClient> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return {
    socket,
    async request(message) {
      for (let attempt = 0; attempt < 5; attempt++) {
        socket.send(message);
        const reply = await new Promise<Buffer | null>((resolve) => {
          const timer = setTimeout(() => {
            socket.removeListener('message', got);
            resolve(null);
          }, 1000);
          const got = (data: Buffer) => {
            clearTimeout(timer);
            resolve(data);
          };
          socket.once('message', got);
        });
        if (reply) return reply;
      }
      throw new Error('no reply');
    },
  };
}

async function serveUdp(t: After, pool: SnapshotPool, listener: Partial<SnapshotListener> = {}) {
  const view = new RuntimeView();
  const plane = createDataPlane({ drainMs: 100, runtime: view.part('node') });
  t.after(() => plane.close(0));
  const port = await freePort('udp');
  const report = await plane.apply(makeSnapshot(1, [makeListener({ id: 'u1', protocol: 'UDP', port, defaultPoolId: pool.id, ...listener })], [pool]));
  assert.deepEqual(report.listenerErrors, {});
  return { plane, port, view };
}

test('many UDP clients at once: each gets its own replies, from one member per flow, over both members', async (t) => {
  const [a, b] = [await startUdpMember(t, 'a'), await startUdpMember(t, 'b')];
  const pool = makePool({ id: 'p', protocol: 'UDP', members: [makeMember({ id: 'a', port: a }), makeMember({ id: 'b', port: b })], healthMonitor: makeMonitor({ type: 'UDP-CONNECT', timeoutMs: 200 }) });
  const { plane, port, view } = await serveUdp(t, pool);
  await eventually('members checked', () => Object.values(view.memberStatuses()).every((s) => s === 'ONLINE'));
  const clients = await Promise.all(Array.from({ length: 50 }, () => udpClient(t, port)));
  const membersByClient = await Promise.all(
    clients.map(async (client, i) => {
      const used = new Set<string>();
      for (let j = 0; j < 5; j++) {
        const reply = (await client.request(`client-${i}-${j}`)).toString();
        const [member, body] = reply.split(':');
        assert.equal(body, `client-${i}-${j}`, 'the reply belongs to this client');
        used.add(member ?? '');
      }
      return [...used];
    }),
  );
  assert.ok(membersByClient.every((used) => used.length === 1), 'a flow sticks to one member');
  const counts = membersByClient.flat().reduce((acc, m) => acc.set(m, (acc.get(m) ?? 0) + 1), new Map<string, number>());
  assert.deepEqual(Object.fromEntries(counts), { a: 25, b: 25 });
  const stats = (await plane.stats()).listeners.u1;
  assert.equal(stats?.active_connections, 50);
  assert.equal(stats?.bytes_out, (stats?.bytes_in ?? 0) + 250 * 2);
});

test('a 64 KiB datagram goes through whole', async (t) => {
  const member = await startUdpMember(t, 'm');
  const { port } = await serveUdp(t, makePool({ id: 'p', protocol: 'UDP', members: [makeMember({ id: 'm', port: member })] }));
  const client = await udpClient(t, port);
  const big = Buffer.alloc(65_000, 7);
  const reply = await client.request(big);
  assert.equal(reply.length, 65_002);
  assert.ok(reply.subarray(2).equals(big));
});

test('an ICMP error from one member ends only that flow; idle flows expire', async (t) => {
  const alive = await startUdpMember(t, 'alive');
  const gone = await freePort('udp');
  const pool = makePool({ id: 'p', protocol: 'UDP', members: [makeMember({ id: 'alive', port: alive }), makeMember({ id: 'gone', port: gone })] });
  const timeouts = { clientData: 300, memberConnect: 1000, memberData: 1000 };
  const { plane, port } = await serveUdp(t, pool, { timeouts });
  const first = await udpClient(t, port);
  assert.equal((await first.request('one')).toString(), 'alive:one');
  // Round robin sends the second client's flow to the member that is not listening.
  const second = await udpClient(t, port);
  second.socket.send('lost');
  await eventually('the broken flow ended', async () => (await plane.stats()).listeners.u1?.request_errors === 1);
  assert.equal((await plane.stats()).listeners.u1?.active_connections, 1);
  assert.equal((await first.request('two')).toString(), 'alive:two');
  await eventually('idle flow expired', async () => (await plane.stats()).listeners.u1?.active_connections === 0);
});

test('every member down: datagrams are dropped, no flow is opened', async (t) => {
  const gone = await freePort('udp');
  const pool = makePool({ id: 'p', protocol: 'UDP', members: [makeMember({ id: 'gone', port: gone })], healthMonitor: makeMonitor({ type: 'UDP-CONNECT', timeoutMs: 1000 }) });
  const { plane, port, view } = await serveUdp(t, pool);
  await eventually('member marked down', () => view.memberStatus('gone') === 'ERROR');
  const client = await udpClient(t, port);
  client.socket.send('anyone?');
  await eventually('datagram refused', async () => (await plane.stats()).listeners.u1?.request_errors === 1);
  assert.equal((await plane.stats()).listeners.u1?.total_connections, 0);
});

test('SOURCE_IP session persistence: every flow from one client address goes to the same member', async (t) => {
  const [a, b] = [await startUdpMember(t, 'a'), await startUdpMember(t, 'b')];
  const pool = makePool({ id: 'p', protocol: 'UDP', members: [makeMember({ id: 'a', port: a }), makeMember({ id: 'b', port: b })], sessionPersistence: { type: 'SOURCE_IP', cookieName: null, timeoutSeconds: 60, granularity: null } });
  const { port } = await serveUdp(t, pool);
  const members = new Set<string>();
  for (let i = 0; i < 10; i++) {
    const client = await udpClient(t, port);
    members.add((await client.request('hi')).toString().split(':')[0] ?? '');
  }
  assert.equal(members.size, 1);
});
