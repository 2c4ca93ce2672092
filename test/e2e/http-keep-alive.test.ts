// timeout_http_keep_alive end to end: set with the CLI against a real `elbow serve`, shown by the
// API, applied by the HTTP listener (the Keep-Alive header it advertises, and an idle client
// connection closed after it while timeout_client_data is a minute), refused on a TCP listener.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { freePort, startBackend } from '../helpers/l7-harness.js';

const MAIN = resolve(import.meta.dirname, '../../src/main.ts');
/** Bound on waiting for the idle close: far below timeout_client_data (60 s), far above the keep-alive (1.5 s). */
const CLOSE_BOUND_MS = 20_000;

function cli(elbow: ElbowProcess, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, ELBOW_URL: elbow.url, ELBOW_API_TOKEN: elbow.token, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/** One HTTP/1.1 request on a fresh connection; resolves with the answer's head and the still-open socket. */
async function request(port: number): Promise<{ head: string; socket: Socket }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET / HTTP/1.1\r\nHost: ka.test\r\n\r\n');
  const text = await new Promise<string>((done, fail) => {
    let received = '';
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(received)?.[1] ?? NaN);
      if (end < 0 || received.length < end + 4 + length) return;
      socket.off('data', onData);
      socket.off('error', fail);
      done(received);
    };
    socket.on('data', onData);
    socket.once('error', fail);
  });
  // The socket stays open: the caller watches what elbow does with it next.
  return { head: text.slice(0, text.indexOf('\r\n\r\n') + 2), socket };
}

describe('timeout_http_keep_alive', { timeout: 180_000 }, () => {
  it('is set by the CLI, shown by the API, applied by HTTP listeners and refused on TCP ones', async (t) => {
    const elbow = await startElbow();
    t.after(() => elbow.stop());
    const backend = await startBackend(t, 'a');
    const api = async (method: string, path: string, body?: unknown) => (await elbow.api(method, path, body)).body;
    const lb = (await api('POST', '/v2/lbaas/loadbalancers', { loadbalancer: { name: 'ka', vip_address: '127.0.0.1' } })).loadbalancer;
    const pool = (await api('POST', '/v2/lbaas/pools', { pool: { name: 'web', loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } })).pool;
    await api('POST', `/v2/lbaas/pools/${pool.id}/members`, { member: { address: '127.0.0.1', protocol_port: backend.port } });

    const port = await freePort();
    const created = await cli(
      elbow, 'listener', 'create', '--loadbalancer', 'ka', '--protocol', 'HTTP', '--protocol-port', String(port), '--default-pool', 'web',
      '--timeout-client-data', '60000', '--timeout-http-keep-alive', '1500', '--json',
    );
    assert.equal(created.code, 0, created.stderr);
    const listener = JSON.parse(created.stdout).listener;
    assert.equal(listener.timeout_http_keep_alive, 1500);
    assert.equal((await api('GET', `/v2/lbaas/listeners/${listener.id}`)).listener.timeout_http_keep_alive, 1500);

    // Node advertises the keep-alive timeout in whole seconds: 1.5 s, not timeout_client_data's 60.
    const first = await request(port);
    assert.match(first.head, /^HTTP\/1\.1 200/);
    assert.match(first.head, /\r\nkeep-alive: timeout=1\r\n/i);
    // The idle connection is closed by elbow after the keep-alive timeout, long before a minute.
    const closed = once(first.socket, 'close');
    first.socket.resume();
    const bound = setTimeout(() => first.socket.destroy(new Error('still open after the bound')), CLOSE_BOUND_MS);
    let ended = false;
    first.socket.once('end', () => (ended = true));
    const [hadError] = (await closed) as [boolean];
    clearTimeout(bound);
    assert.equal(hadError, false, 'closed by elbow, not by the bound');
    assert.ok(ended, 'elbow ended the connection');

    // null: back to timeout_client_data.
    const reset = await elbow.api('PUT', `/v2/lbaas/listeners/${listener.id}`, { listener: { timeout_http_keep_alive: null } });
    assert.equal(reset.status, 200, JSON.stringify(reset.body));
    assert.equal(reset.body.listener.timeout_http_keep_alive, null);
    const second = await request(port);
    assert.match(second.head, /\r\nkeep-alive: timeout=60\r\n/i);
    second.socket.destroy();

    // Only HTTP-speaking listeners have HTTP keep-alive: elsewhere it would do nothing, so it is refused.
    const tcp = await elbow.api('POST', '/v2/lbaas/listeners', {
      listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: await freePort(), timeout_http_keep_alive: 1500 },
    });
    assert.equal(tcp.status, 400);
    assert.equal(tcp.body.code, 'INVALID_BODY');
    assert.match(tcp.body.faultstring, /timeout_http_keep_alive/);
    assert.match(tcp.body.faultstring, /applies only when protocol is HTTP, HTTPS, TERMINATED_HTTPS/);
  });
});
