// After a flood ends (Rapid Reset, streams held at the member, stalled downloads), the engine's
// memory comes back near where it was before: nothing the attack made stays behind.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { constants } from 'node:http2';
import { describe, it } from 'node:test';
import type { AbuseEngine } from '../helpers/abuse-engines.js';
import { eventually, startCountingMember } from '../helpers/abuse-member.js';
import { H2FrameClient, Setting } from '../helpers/h2-frame-client.js';
import type { TestCa } from '../helpers/test-ca.js';
import { h2Get, h2Session } from './clients.js';

const SERVERNAME = 'abuse.test';
/** How far above its baseline the engine's memory may stay once the flood is over. */
const TOLERANCE = 10 * 1024 ** 2;
const MB = 1024 ** 2;

export function memorySuite(engine: AbuseEngine, ca: TestCa): void {
  const certificate = ca.issueServer([SERVERNAME]).snapshot('abuse');

  describe(`${engine.name} engine: memory after a flood`, { timeout: 180_000 }, () => {
    it('comes back near its baseline once the attack connections are gone', async (t) => {
      const member = await startCountingMember(t);
      // 3 s of client silence, not 1: on a loaded CI machine a session's first frames can take over a
      // second, and an idle connection closed before its requests left it holds nothing at the member.
      const target = await engine.startHttps(t, { members: [member.port], certificate, timeouts: { clientData: 3_000 } });
      const { port } = target;
      let during = 0;
      const flood = async (scale: number): Promise<void> => {
        // Rapid Reset.
        const closed: Promise<unknown>[] = [];
        for (let n = 0; n < 4; n += 1) {
          const session = await h2Session(t, port, SERVERNAME, ca.caPem);
          for (let s = 0; s < 300 * scale; s += 1) {
            const stream = session.request({ ':path': '/hold' });
            stream.on('error', () => undefined);
            closed.push(once(stream, 'close'));
            stream.close(constants.NGHTTP2_CANCEL);
          }
        }
        await Promise.all(closed);
        // Requests held at the member, then dropped.
        const holders = [await h2Session(t, port, SERVERNAME, ca.caPem), await h2Session(t, port, SERVERNAME, ca.caPem)];
        for (const session of holders) for (let s = 0; s < 2_000 * scale; s += 1) session.request({ ':path': '/hold' }).on('error', () => undefined);
        await eventually(() => member.activeRequests >= 100 * scale, 'requests held at the member');
        during = Math.max(during, await target.memoryBytes());
        for (const session of holders) session.destroy();
        // Downloads stalled by a zero window, reset by timeout_client_data.
        const staller = await H2FrameClient.connect({ port, servername: SERVERNAME, ca: ca.caPem, settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 }, autoWindowUpdate: false });
        t.after(() => staller.close());
        const ids = staller.requestMany(50 * scale, '/big?bytes=1000000');
        await staller.waitFor(() => staller.closed || ids.every((id) => staller.streams.get(id)?.resetByServer != null), 'the stalled downloads to be reset', 30_000);
        staller.close();
        await eventually(() => member.activeRequests === 0 && member.openConnections <= 4, 'the member connections to close');
      };
      // A small flood first, so what stays for good (compiled code, caches) is in the baseline.
      await flood(0.1);
      const baseline = await target.memoryBytes();
      await flood(1);
      assert.equal((await h2Get(port, SERVERNAME, ca.caPem, '/fast')).status, 200);
      // Polled: what the closed connections held goes as their last callbacks run.
      const deadline = Date.now() + 30_000;
      let now = await target.memoryBytes();
      while (now > baseline + TOLERANCE && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        now = await target.memoryBytes();
      }
      t.diagnostic(`memory: baseline ${Math.round(baseline / MB)} MB, with requests held ${Math.round(during / MB)} MB, after the flood ${Math.round(now / MB)} MB`);
      assert.ok(now <= baseline + TOLERANCE, `memory ${Math.round(now / MB)} MB, baseline ${Math.round(baseline / MB)} MB`);
    });
  });
}
