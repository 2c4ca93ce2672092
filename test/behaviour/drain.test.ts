// A listener removed from the snapshot drains on both engines: its port stops taking new
// connections at once, a TCP connection already open keeps carrying bytes and is closed once the
// drain bound passes, and an HTTP request in flight still gets its answer.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { it } from 'node:test';
import { startBackend } from '../helpers/l7-harness.js';
import { eventually, freePort, makeListener, makeMember, makePool, makeSnapshot, startEchoServer, startNameServer } from '../unit/dataplane/support.js';
import { applyServing, forEachEngine } from './engines.js';

/** Whether a new connection to `port` is refused (nothing listens). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Writes `text` on an open connection and waits for it to come back. */
async function echoed(socket: Socket, text: string): Promise<string> {
  socket.write(text);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return chunk.toString();
}

forEachEngine('Drain of a removed listener', (engine) => {
  it('TCP: the port refuses new connections, an open one keeps working until the drain bound closes it', async (t) => {
    const echo = await startEchoServer();
    const other = await startNameServer('other');
    t.after(async () => { await echo.close(); await other.close(); });
    const hx = await engine.start(t, { drainMs: 6_000 });
    const [port, otherPort] = [await freePort(), await freePort()];
    const pools = [makePool({ id: 'echo', members: [makeMember({ id: 'e', port: echo.port })] }), makePool({ id: 'o', members: [makeMember({ id: 'o', port: other.port })] })];
    const kept = makeListener({ id: 'kept', port: otherPort, defaultPoolId: 'o' });
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'gone', port, defaultPoolId: 'echo' }), kept], pools));
    const socket = connect({ host: '127.0.0.1', port });
    t.after(() => socket.destroy());
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    assert.equal(await echoed(socket, 'before'), 'before');

    await applyServing(hx, makeSnapshot(2, [kept], pools));
    await eventually('the removed listener\'s port refuses new connections', () => refused(port));
    assert.equal(await echoed(socket, 'while draining'), 'while draining');
    assert.equal(closed, false);
    await eventually('the drained connection is closed once the bound passes', () => closed, 30_000);
  });

  it('HTTP: a request in flight when its listener is removed gets its answer', async (t) => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const member = await startBackend(t, 'slow', (req, res) => {
      req.resume();
      void released.then(() => res.end('late but whole'));
    });
    t.after(() => release());
    const hx = await engine.start(t, { drainMs: 30_000 });
    const port = await freePort();
    const pool = makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] });
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'gone', protocol: 'HTTP', port, defaultPoolId: 'p' })], [pool]));
    const answer = new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/slow', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
      });
      req.on('error', reject);
      req.end();
    });
    await eventually('the request reached the member', () => member.seen.length === 1);

    await applyServing(hx, makeSnapshot(2, [], []));
    await eventually('the port refuses new connections', () => refused(port));
    release();
    const reply = await answer;
    assert.deepEqual([reply.status, reply.body], [200, 'late but whole']);
    // The connection does not stay open for another request.
    assert.equal(reply.connection, 'close');
  });
});
