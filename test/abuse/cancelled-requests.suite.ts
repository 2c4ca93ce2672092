// A client that cancels a request (HTTP/2 RST_STREAM, or an HTTP/1.1 client closing its
// connection) stops the member's work too: the member request is aborted and its connection freed
// or destroyed at once, before the member answers, while the answer streams, and during an upload.
// Rapid Reset (CVE-2023-44487): streams opened and cancelled at once by the hundred leave nothing
// behind at the member.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants } from 'node:http2';
import { describe, it, type TestContext } from 'node:test';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { differs, type AbuseEngine } from '../helpers/abuse-engines.js';
import { eventually, startCountingMember, type CountingMember } from '../helpers/abuse-member.js';
import { H2Error, H2FrameClient } from '../helpers/h2-frame-client.js';
import type { TestCa } from '../helpers/test-ca.js';
import { h2Get, h2Session } from './clients.js';

const SERVERNAME = 'abuse.test';

/** An HTTP/1.1 client over TLS that writes raw bytes and counts what it reads. */
async function h1Client(t: TestContext, port: number, ca: string): Promise<{ socket: TLSSocket; received: () => number }> {
  const socket = tlsConnect({ host: '127.0.0.1', port, servername: SERVERNAME, ca, ALPNProtocols: ['http/1.1'] });
  socket.on('error', () => undefined);
  t.after(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  let received = 0;
  socket.on('data', (chunk: Buffer) => { received += chunk.length; });
  return { socket, received: () => received };
}

export function cancelledRequestsSuite(engine: AbuseEngine, ca: TestCa): void {
  const certificate = ca.issueServer([SERVERNAME]).snapshot('abuse');

  async function setup(t: TestContext): Promise<{ member: CountingMember; port: number }> {
    const member = await startCountingMember(t);
    const { port } = await engine.startHttps(t, { members: [member.port], certificate });
    return { member, port };
  }

  async function h2Client(t: TestContext, port: number): Promise<H2FrameClient> {
    const client = await H2FrameClient.connect({ port, servername: SERVERNAME, ca: ca.caPem });
    t.after(() => client.close());
    return client;
  }

  const state = (member: CountingMember) => () => `(member: ${member.openConnections} connections open, ${member.activeRequests} requests active)`;
  const memberIdle = (member: CountingMember) => eventually(() => member.openConnections === 0 && member.activeRequests === 0, 'the member connection to close', state(member));

  describe(`${engine.name} engine: cancelled requests free their member connections`, { timeout: 120_000 }, () => {
    it('HTTP/2: a stream reset before the member answers', async (t) => {
      const { member, port } = await setup(t);
      const client = await h2Client(t, port);
      const id = client.request('/hold');
      await eventually(() => member.activeRequests === 1, 'the request to reach the member', state(member));
      client.reset(id, H2Error.CANCEL);
      await memberIdle(member);
      // The client's connection keeps serving.
      const next = client.request('/fast');
      await client.waitFor(() => client.streams.get(next)?.ended === true, 'the next answer');
    });

    it('HTTP/2: a stream reset while the answer streams', async (t) => {
      const { member, port } = await setup(t);
      const client = await h2Client(t, port);
      const id = client.request('/stream');
      await client.waitFor(() => (client.streams.get(id)?.dataBytes ?? 0) > 0, 'the first bytes of the answer');
      client.reset(id, H2Error.CANCEL);
      await memberIdle(member);
    });

    it('HTTP/2: a stream reset during an upload', async (t) => {
      const { member, port } = await setup(t);
      const client = await h2Client(t, port);
      const id = client.request('/upload', { method: 'POST', endStream: false });
      client.data(id, Buffer.alloc(16 * 1024, 0x75));
      await eventually(() => member.uploadBytes > 0, 'the upload to reach the member', state(member));
      client.reset(id, H2Error.CANCEL);
      await memberIdle(member);
    });

    it('HTTP/1.1: a client that disconnects before the member answers', async (t) => {
      if (differs(t, engine, 'http1-client-gone-after-request')) return;
      const { member, port } = await setup(t);
      const { socket } = await h1Client(t, port, ca.caPem);
      socket.write(`GET /hold HTTP/1.1\r\nHost: ${SERVERNAME}\r\n\r\n`);
      await eventually(() => member.activeRequests === 1, 'the request to reach the member', state(member));
      socket.destroy();
      await memberIdle(member);
    });

    it('HTTP/1.1: a client that disconnects while the answer streams', async (t) => {
      if (differs(t, engine, 'http1-client-gone-after-request')) return;
      const { member, port } = await setup(t);
      const { socket, received } = await h1Client(t, port, ca.caPem);
      socket.write(`GET /stream HTTP/1.1\r\nHost: ${SERVERNAME}\r\n\r\n`);
      await eventually(() => received() > 0, 'the first bytes of the answer', state(member));
      socket.destroy();
      await memberIdle(member);
    });

    it('HTTP/1.1: a client that disconnects during an upload', async (t) => {
      const { member, port } = await setup(t);
      const { socket } = await h1Client(t, port, ca.caPem);
      socket.write(`POST /upload HTTP/1.1\r\nHost: ${SERVERNAME}\r\nContent-Length: 1000000\r\n\r\n`);
      socket.write(Buffer.alloc(16 * 1024, 0x75));
      await eventually(() => member.uploadBytes > 0, 'the upload to reach the member', state(member));
      socket.destroy();
      await memberIdle(member);
    });

    it('Rapid Reset: 4 connections × 300 streams opened and cancelled at once leave at most a handful of member connections', async (t) => {
      const { member, port } = await setup(t);
      const closed: Promise<unknown>[] = [];
      for (let n = 0; n < 4; n += 1) {
        const session = await h2Session(t, port, SERVERNAME, ca.caPem);
        // HEADERS then RST_STREAM(CANCEL) for each stream, as node:http2 sends them (CVE-2023-44487).
        for (let s = 0; s < 300; s += 1) {
          const stream = session.request({ ':path': '/hold' });
          stream.on('error', () => undefined);
          closed.push(once(stream, 'close'));
          stream.close(constants.NGHTTP2_CANCEL);
        }
      }
      await Promise.all(closed);
      await eventually(() => member.openConnections <= 4 && member.activeRequests === 0, 'the member connections to close', state(member));
      t.diagnostic(`member: ${member.requests} requests received, ${member.acceptedConnections} connections accepted, at most ${member.peakConnections} open at once`);
      // Everyone else is still served.
      const answer = await h2Get(port, SERVERNAME, ca.caPem, '/fast');
      assert.equal(answer.status, 200);
    });
  });
}
