// HTTP/2 stream floods and stalled streams against an HTTPS listener: the per-connection stream
// cap, the Rapid Reset guard, timeout_client_data per stream and per connection (and per HTTP/1.1
// connection), while a well-behaved client keeps being served.

import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { differs, type AbuseEngine, type AbuseSetup } from '../helpers/abuse-engines.js';
import { eventually, startCountingMember, type CountingMember } from '../helpers/abuse-member.js';
import { H2Error, H2FrameClient, Setting, type FrameClientOptions } from '../helpers/h2-frame-client.js';
import type { TestCa } from '../helpers/test-ca.js';
import { h2Get, h2Session } from './clients.js';

const SERVERNAME = 'abuse.test';
/** The stream cap HAProxy and nginx advertise, and elbow too. */
const STREAM_CAP = 100;
/** timeout_client_data for the tests that wait for it to expire. */
const SHORT_CLIENT_TIMEOUT = 1_000;
/**
 * timeout_client_data where the client must first get its request to the member: on a loaded CI
 * machine the client's TLS handshake and first frames took over a second, and HAProxy closed the
 * connection before the request was sent.
 */
const STALL_CLIENT_TIMEOUT = 3_000;

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function streamFloodsSuite(engine: AbuseEngine, ca: TestCa): void {
  const certificate = ca.issueServer([SERVERNAME]).snapshot('abuse');

  async function setup(t: TestContext, timeouts?: AbuseSetup['timeouts']): Promise<{ member: CountingMember; port: number }> {
    const member = await startCountingMember(t);
    const { port } = await engine.startHttps(t, { members: [member.port], certificate, ...(timeouts ? { timeouts } : {}) });
    return { member, port };
  }

  async function h2Client(t: TestContext, port: number, options: Pick<FrameClientOptions, 'settings' | 'autoWindowUpdate'> = {}): Promise<H2FrameClient> {
    const client = await H2FrameClient.connect({ port, servername: SERVERNAME, ca: ca.caPem, ...options });
    t.after(() => client.close());
    return client;
  }

  const state = (member: CountingMember) => () => `(member: ${member.openConnections} connections open, ${member.activeRequests} requests active)`;

  /** Every stream the client opened is answered for: held at the member, refused, or the connection is gone. */
  const settled = (client: H2FrameClient, member: CountingMember, opened: number) => (): boolean => {
    if (client.closed || client.goaway !== null) return true;
    return client.refusedCount + member.activeRequests >= opened;
  };

  describe(`${engine.name} engine: HTTP/2 stream floods and stalled streams`, { timeout: 180_000 }, () => {
    it(`advertises ${STREAM_CAP} concurrent streams, and a connection opening 300 at once never has more than ${STREAM_CAP} at the member`, async (t) => {
      const { member, port } = await setup(t);
      const client = await h2Client(t, port);
      client.requestMany(300, '/hold', { authority: SERVERNAME });
      await client.waitFor(() => client.serverSettings.has(Setting.MAX_CONCURRENT_STREAMS), 'the server SETTINGS');
      assert.equal(client.serverSettings.get(Setting.MAX_CONCURRENT_STREAMS), STREAM_CAP);
      await eventually(settled(client, member, 300), 'every stream to be held, refused, or its connection closed', state(member));
      assert.ok(member.peakRequests <= STREAM_CAP, `${member.peakRequests} requests at the member at once`);
      client.close();
      await eventually(() => member.activeRequests === 0, 'the held requests to end', state(member));
    });

    it('2 connections × 2,000 held requests: member connections stay within the stream cap and another client is served throughout', async (t) => {
      const { member, port } = await setup(t);
      // node:http2 keeps to the server's SETTINGS: the streams past the cap wait at the client.
      const sessions = [await h2Session(t, port, SERVERNAME, ca.caPem), await h2Session(t, port, SERVERNAME, ca.caPem)];
      for (const session of sessions) {
        for (let n = 0; n < 2_000; n += 1) session.request({ ':path': '/hold' }).on('error', () => undefined);
      }
      await eventually(() => member.activeRequests === 2 * STREAM_CAP, `${2 * STREAM_CAP} requests held at the member`, state(member));
      for (let n = 0; n < 10; n += 1) assert.equal((await h2Get(port, SERVERNAME, ca.caPem, '/fast')).status, 200);
      t.diagnostic(`member: at most ${member.peakConnections} connections and ${member.peakRequests} requests at once`);
      assert.ok(member.peakRequests <= 2 * STREAM_CAP + 1, `${member.peakRequests} requests at the member at once`);
      assert.ok(member.peakConnections <= 2 * STREAM_CAP + 2, `${member.peakConnections} member connections at once`);
      for (const session of sessions) session.destroy();
      await eventually(() => member.activeRequests === 0 && member.openConnections <= 4, 'the held requests to end', state(member));
    });

    it('2 connections × 2,000 streams sent past the cap: member connections stay within the cap and another client is served throughout', async (t) => {
      const { member, port } = await setup(t);
      const attackers = [await h2Client(t, port), await h2Client(t, port)];
      let attacking = true;
      const attack = (async () => {
        // In writes of 100 streams, so the server works through them as they come.
        for (let batch = 0; batch < 20; batch += 1) {
          for (const client of attackers) client.requestMany(100, '/hold', { authority: SERVERNAME });
          await tick();
        }
        for (const client of attackers) await eventually(settled(client, member, 2_000), 'every attacking stream to be held, refused, or its connection closed', state(member));
      })().finally(() => { attacking = false; });
      let served = 0;
      while (attacking || served < 10) {
        const answer = await h2Get(port, SERVERNAME, ca.caPem, '/fast');
        assert.equal(answer.status, 200);
        served += 1;
      }
      await attack;
      const fates = attackers.map((c) => `${c.refusedCount} refused, GOAWAY ${c.goaway?.errorCode ?? 'none'}, ${c.closed ? 'closed' : 'open'}`).join('; ');
      t.diagnostic(`${served} requests served during the attack; attackers: ${fates}; member: at most ${member.peakConnections} connections and ${member.peakRequests} requests at once`);
      assert.ok(member.peakConnections <= 2 * STREAM_CAP + 2, `${member.peakConnections} member connections at once`);
      for (const client of attackers) client.close();
      await eventually(() => member.activeRequests === 0, 'the held requests to end', state(member));
    });

    it('Rapid Reset guard: a connection resetting streams as fast as it opens them gets GOAWAY ENHANCE_YOUR_CALM', async (t) => {
      if (differs(t, engine, 'rapid-reset-goaway')) return;
      const { member, port } = await setup(t);
      const client = await h2Client(t, port);
      for (let n = 0; n < 2_000 && !client.closed && client.goaway === null; n += 1) {
        const id = client.request('/hold', { authority: SERVERNAME });
        await tick();
        client.reset(id, H2Error.CANCEL);
      }
      await client.waitFor(() => client.goaway !== null, 'GOAWAY');
      assert.equal(client.goaway?.errorCode, H2Error.ENHANCE_YOUR_CALM);
      await client.waitFor(() => client.closed, 'the connection to close');
      await eventually(() => member.activeRequests === 0 && member.openConnections <= 4, 'the member connections to close', state(member));
      assert.equal((await h2Get(port, SERVERNAME, ca.caPem, '/fast')).status, 200);
    });

    it('a stream whose client stops reading (zero window) is reset after timeout_client_data and frees its member connection', async (t) => {
      const { member, port } = await setup(t, { clientData: STALL_CLIENT_TIMEOUT });
      const client = await h2Client(t, port, { settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 }, autoWindowUpdate: false });
      // More than loopback's socket buffers hold (4 MB fitted in them on a quiet machine: the member
      // had written it all before the first look), so the member is still sending when the stream stalls.
      const id = client.request('/big?bytes=64000000');
      await eventually(() => member.requests === 1, 'the request at the member', state(member));
      assert.equal(member.activeRequests, 1, 'the member is still sending');
      await client.waitFor(() => client.streams.get(id)?.resetByServer != null || client.closed, 'the stalled stream to be reset');
      await eventually(() => member.openConnections === 0 && member.activeRequests === 0, 'the member connection to close', state(member));
    });

    it('stalled streams are reset after timeout_client_data even while another stream of their connection keeps downloading', async (t) => {
      if (differs(t, engine, 'stalled-http2-stream-beside-busy-one')) return;
      const { member, port } = await setup(t, { clientData: SHORT_CLIENT_TIMEOUT });
      let busy = 0;
      const client = await h2Client(t, port, { settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 }, autoWindowUpdate: (id) => id === busy });
      busy = client.request('/trickle');
      client.windowUpdate(busy, 1024 ** 2);
      const stalled = client.requestMany(20, '/big?bytes=1000000');
      await eventually(() => member.activeRequests >= 1, 'the requests at the member', state(member));
      await client.waitFor(() => client.closed || stalled.every((id) => client.streams.get(id)?.resetByServer != null), 'every stalled stream to be reset');
      assert.ok((client.streams.get(busy)?.dataBytes ?? 0) > 0, 'the busy stream downloaded');
      assert.equal(client.streams.get(busy)?.resetByServer, null, 'the busy stream goes on');
      client.close();
      await eventually(() => member.openConnections === 0 && member.activeRequests === 0, 'the member connections to close', state(member));
    });

    it('a stream whose request body stops coming is reset after timeout_client_data and frees its member connection', async (t) => {
      if (differs(t, engine, 'stalled-http2-request-body')) return;
      const { member, port } = await setup(t, { clientData: SHORT_CLIENT_TIMEOUT });
      const client = await h2Client(t, port);
      const id = client.request('/upload', { method: 'POST', endStream: false });
      client.data(id, Buffer.alloc(1024, 0x75));
      await eventually(() => member.uploadBytes > 0, 'the upload at the member', state(member));
      await client.waitFor(() => client.streams.get(id)?.resetByServer != null || client.closed, 'the stalled upload to be reset');
      await eventually(() => member.openConnections === 0 && member.activeRequests === 0, 'the member connection to close', state(member));
    });

    it('a request waiting on a slow member is not cut by timeout_client_data (HTTP/2 and HTTP/1.1)', async (t) => {
      const { port } = await setup(t, { clientData: 300 });
      const h2 = await h2Get(port, SERVERNAME, ca.caPem, '/slow?ms=1500');
      assert.deepEqual(h2, { status: 200, body: 'slow' });
      const socket = tlsConnect({ host: '127.0.0.1', port, servername: SERVERNAME, ca: ca.caPem, ALPNProtocols: ['http/1.1'] });
      t.after(() => socket.destroy());
      let text = '';
      socket.setEncoding('latin1').on('data', (chunk: string) => { text += chunk; });
      socket.write(`GET /slow?ms=1500 HTTP/1.1\r\nHost: ${SERVERNAME}\r\n\r\n`);
      await eventually(() => text.endsWith('slow') || socket.destroyed, 'the HTTP/1.1 answer');
      assert.match(text, /^HTTP\/1\.1 200 /);
    });

    it('an HTTP/2 connection with no stream open is closed after timeout_client_data', async (t) => {
      const { port } = await setup(t, { clientData: SHORT_CLIENT_TIMEOUT });
      const client = await h2Client(t, port);
      await client.waitFor(() => client.closed, 'the idle connection to close');
    });

    it('an HTTP/1.1 client that stops reading a download is dropped after timeout_client_data and its member connection freed', async (t) => {
      const { member, port } = await setup(t, { clientData: SHORT_CLIENT_TIMEOUT });
      const socket = tlsConnect({ host: '127.0.0.1', port, servername: SERVERNAME, ca: ca.caPem, ALPNProtocols: ['http/1.1'] });
      socket.on('error', () => undefined);
      t.after(() => socket.destroy());
      await new Promise((resolve) => socket.once('secureConnect', resolve));
      socket.write(`GET /big?bytes=64000000 HTTP/1.1\r\nHost: ${SERVERNAME}\r\n\r\n`);
      socket.pause();
      await eventually(() => member.activeRequests === 1, 'the request at the member', state(member));
      await eventually(() => member.openConnections === 0 && member.activeRequests === 0, 'the member connection to close', state(member), 30_000);
    });
  });
}
