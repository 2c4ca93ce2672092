// Layer 4 end to end: a real `elbow serve` process configured through the Octavia API carries TCP
// and UDP traffic to members running in this test process. Each API call answers only once the
// change is live, so traffic is sent right after it without waiting.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { startElbow } from '../helpers/elbow-process.js';
import type { ElbowProcess } from '../helpers/elbow-process.js';
import { eventually, exchange, freePort, startEchoServer, startNameServer } from '../unit/dataplane/support.js';

type After = { after: (fn: () => Promise<unknown>) => void };

async function created(elbow: ElbowProcess, path: string, kind: string, body: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  const answer = await elbow.api('POST', path, { [kind]: body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body[kind];
}

async function startUdpNamedEcho(t: After, name: string): Promise<number> {
  const socket = createSocket('udp4');
  socket.on('message', (message, from) => socket.send(`${name}:${message.toString()}`, from.port, from.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket.address().port;
}

function udpRequest(port: number, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP reply'));
    }, 3000);
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply.toString());
    });
    socket.send(message, port, '127.0.0.1');
  });
}

describe('layer 4 through the API', { timeout: 120_000 }, () => {
  it('serves TCP and UDP listeners, applies changes live, reports bind errors and member health', async (t) => {
    const elbow = await startElbow();
    t.after(() => elbow.stop());
    const [a, b, echo] = [await startNameServer('a'), await startNameServer('b'), await startEchoServer()];
    t.after(async () => {
      for (const server of [a, b, echo]) await server.close();
    });
    const lb = await created(elbow, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'l4', vip_address: '127.0.0.1' });

    // TCP: two members with weights 3 and 1.
    const tcpPool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
    const memberA = await created(elbow, `/v2/lbaas/pools/${tcpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: a.port, weight: 3 });
    const memberB = await created(elbow, `/v2/lbaas/pools/${tcpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: b.port, weight: 1 });
    const tcpPort = await freePort();
    const tcp = await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: tcpPort, default_pool_id: tcpPool.id });
    assert.equal(tcp.provisioning_status, 'ACTIVE');
    const counts: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const { reply } = await exchange(tcpPort);
      counts[reply] = (counts[reply] ?? 0) + 1;
    }
    assert.deepEqual(counts, { a: 30, b: 10 });

    // UDP: replies reach the right clients.
    const udpPool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'UDP', lb_algorithm: 'ROUND_ROBIN' });
    for (const name of ['u1', 'u2']) {
      await created(elbow, `/v2/lbaas/pools/${udpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: await startUdpNamedEcho(t, name) });
    }
    const udpPort = await freePort('udp');
    await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'UDP', protocol_port: udpPort, default_pool_id: udpPool.id });
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => udpRequest(udpPort, `client ${i}`)));
    replies.forEach((reply, i) => assert.match(reply, new RegExp(`^u[12]:client ${i}$`)));
    assert.deepEqual(new Set(replies.map((r) => r.split(':')[0])), new Set(['u1', 'u2']));

    // An open connection on an untouched listener survives listeners added, changed and deleted.
    const echoPool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'LEAST_CONNECTIONS' });
    await created(elbow, `/v2/lbaas/pools/${echoPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: echo.port });
    const echoPort = await freePort();
    await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: echoPort, default_pool_id: echoPool.id });
    const open = connect({ host: '127.0.0.1', port: echoPort });
    t.after(async () => void open.destroy());
    const echoed = async (text: string) => {
      open.write(text);
      return (await new Promise<Buffer>((resolve) => open.once('data', resolve))).toString();
    };
    assert.equal(await echoed('first'), 'first');
    const extraPort = await freePort();
    const extra = await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: extraPort, default_pool_id: tcpPool.id });
    assert.match((await exchange(extraPort)).reply, /^[ab]$/);
    const moved = await elbow.api('PUT', `/v2/lbaas/listeners/${extra.id}`, { listener: { connection_limit: 10 } });
    assert.equal(moved.status, 200);
    assert.equal(await echoed('second'), 'second');
    assert.equal((await elbow.api('DELETE', `/v2/lbaas/listeners/${extra.id}`)).status, 204);
    assert.notEqual((await exchange(extraPort)).error, null);
    assert.equal(await echoed('third'), 'third');

    // A listener on an address another program holds: ERROR with the reason; the rest serve.
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => squatter.close(resolve)));
    const heldPort = (squatter.address() as { port: number }).port;
    const held = await elbow.api('POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: heldPort, default_pool_id: tcpPool.id } });
    assert.equal(held.body.listener.provisioning_status, 'ERROR');
    const shown = await elbow.api('GET', `/v2/lbaas/listeners/${held.body.listener.id}`);
    assert.match(JSON.stringify(shown.body), /EADDRINUSE/);
    assert.equal(await echoed('fourth'), 'fourth');
    assert.match((await exchange(tcpPort)).reply, /^[ab]$/);

    // A health monitor takes a killed member out; the status tree shows it.
    await created(elbow, '/v2/lbaas/healthmonitors', 'healthmonitor', { pool_id: tcpPool.id, type: 'TCP', delay: 1, timeout: 1, max_retries: 1, max_retries_down: 1 });
    await b.close();
    await eventually(
      'member b reported down',
      async () => {
        const tree = JSON.stringify((await elbow.api('GET', `/v2/lbaas/loadbalancers/${lb.id}/status`)).body);
        return tree.includes(`"id":"${memberB.id}"`) && /"operating_status":"ERROR"/.test(tree);
      },
      20_000,
    );
    for (let i = 0; i < 10; i++) assert.equal((await exchange(tcpPort)).reply, 'a');
    const member = await elbow.api('GET', `/v2/lbaas/pools/${tcpPool.id}/members/${memberA.id}`);
    assert.equal(member.body.member.operating_status, 'ONLINE');

    // Stats and metrics.
    const stats = await elbow.api('GET', `/v2/lbaas/listeners/${tcp.id}/stats`);
    assert.ok(stats.body.stats.total_connections >= 50, JSON.stringify(stats.body));
    const metrics = await elbow.api('GET', '/metrics');
    assert.match(String(metrics.body), new RegExp(`elbow_listener_connections_total\\{listener="${tcp.id}"`));
    open.end();
  });
});
