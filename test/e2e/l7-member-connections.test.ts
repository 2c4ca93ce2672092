// The bound on connections from an L7 listener to one member: at most the limit are open, requests
// beyond it wait in line and go out as connections free up, a request that waits longer than
// timeout_member_connect gets 503, a client that gives up leaves the line, and a full member is
// passed over for one with a connection to spare.

import assert from 'node:assert/strict';
import { request, type ServerResponse } from 'node:http';
import { describe, it, type TestContext } from 'node:test';
import { DEFAULT_HTTP_LIMITS } from '../../src/dataplane/http/l7-listener.js';
import { httpListenerFactory } from '../../src/dataplane/listeners/http.js';
import type { SnapshotListener } from '../../src/snapshot/snapshot.js';
import { eventually } from '../helpers/abuse-member.js';
import { FakeContext, listener, member, pool } from '../helpers/fake-pools.js';
import { send, startBackend, startListener, type Backend } from '../helpers/l7-harness.js';

/** A member that answers only when the test says so; it counts its open connections. */
async function heldBackend(t: TestContext, name: string): Promise<Backend & { held: ServerResponse[]; open: () => number; peak: () => number; releaseAll: () => void }> {
  const held: ServerResponse[] = [];
  const backend = await startBackend(t, name, (req, res) => {
    req.resume();
    if (req.url === '/fast') return void res.end(name);
    held.push(res);
  });
  let open = 0;
  let peak = 0;
  backend.server.on('connection', (socket) => {
    open += 1;
    peak = Math.max(peak, open);
    socket.once('close', () => { open -= 1; });
  });
  return Object.assign(backend, {
    held,
    open: () => open,
    peak: () => peak,
    releaseAll: () => { for (const res of held.splice(0)) res.end(name); },
  });
}

async function limitedListener(t: TestContext, limit: number, ports: number[], overrides: Partial<SnapshotListener> = {}): Promise<{ port: number; context: FakeContext }> {
  const context = new FakeContext([pool('pool-1', ports.map((p) => member(p)))]);
  const factory = httpListenerFactory({ ...DEFAULT_HTTP_LIMITS, memberConnectionLimit: limit });
  const { port } = await startListener(t, factory, listener(overrides), context);
  return { port, context };
}

describe('connections to a member are bounded', () => {
  it('opens at most the limit; requests beyond it wait and go out as connections free up', async (t) => {
    const backend = await heldBackend(t, 'm');
    const { port } = await limitedListener(t, 2, [backend.port]);
    const answers = Array.from({ length: 5 }, () => send(port, '/hold'));
    await eventually(() => backend.held.length === 2, 'two requests at the member');
    backend.held.shift()?.end('first');
    await eventually(() => backend.held.length === 2 && backend.seen.length === 3, 'the third request to go out');
    await eventually(() => {
      backend.releaseAll();
      return backend.seen.length === 5 && backend.held.length === 0;
    }, 'all five requests to reach the member and be answered');
    const replies = await Promise.all(answers);
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200, 200]);
    assert.equal(backend.peak(), 2);
  });

  it('answers 503 when no connection frees up within timeout_member_connect', async (t) => {
    const backend = await heldBackend(t, 'm');
    const timeouts = { ...listener().timeouts, memberConnect: 200 };
    const { port, context } = await limitedListener(t, 1, [backend.port], { timeouts });
    const first = send(port, '/hold');
    await eventually(() => backend.held.length === 1, 'the first request at the member');
    const second = await send(port, '/hold');
    assert.equal(second.status, 503);
    assert.match(second.body, /no connection to spare/);
    assert.equal(backend.seen.length, 1);
    assert.ok(context.stats.errors >= 1);
    backend.releaseAll();
    assert.equal((await first).status, 200);
  });

  it('forgets a waiting request whose client went away', async (t) => {
    const backend = await heldBackend(t, 'm');
    const { port, context } = await limitedListener(t, 1, [backend.port]);
    const fake = context.pools.get('pool-1')?.members[0];
    const first = send(port, '/hold');
    await eventually(() => backend.held.length === 1, 'the first request at the member');
    const gone = request({ host: '127.0.0.1', port, path: '/gone', agent: false });
    gone.on('error', () => undefined);
    gone.end();
    // In line: elbow chose the member for it (acquired) but the member has not seen it.
    await eventually(() => fake?.acquired === 2, 'the second request to wait in line');
    gone.destroy();
    await eventually(() => fake?.activeConnections === 1, 'the second request to leave the line');
    backend.releaseAll();
    assert.equal((await first).status, 200);
    const third = await send(port, '/fast');
    assert.equal(third.status, 200);
    assert.deepEqual(backend.seen.map((s) => s.url), ['/hold', '/fast']);
  });

  it('passes a full member over for one with a connection to spare', async (t) => {
    const a = await heldBackend(t, 'a');
    const b = await heldBackend(t, 'b');
    const { port } = await limitedListener(t, 1, [a.port, b.port]);
    // Round robin: the first request goes to a and stays; the second to b, answered.
    const held = send(port, '/hold');
    await eventually(() => a.held.length === 1, 'a request held at a');
    assert.equal((await send(port, '/fast')).body, 'b');
    // Round robin says a, which is full: b answers.
    assert.equal((await send(port, '/fast')).body, 'b');
    a.releaseAll();
    assert.equal((await held).body, 'a');
  });
});
