// The listener under attack in the abuse suites comes from an engine factory: given members, a
// certificate and timeouts, start an HTTPS listener offering h2 and http/1.1 and say where it
// listens. Every engine runs the same suites with the same expectations.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_HTTP_LIMITS } from '../../src/dataplane/http/l7-listener.js';
import { httpsListenerFactory } from '../../src/dataplane/listeners/https.js';
import { createHaproxyEngine } from '../../src/engines/haproxy/engine.js';
import type { SnapshotListener, SnapshotPool } from '../../src/snapshot/snapshot.js';
import { FakeContext, listener, member, pool } from './fake-pools.js';
import { freePort, startListener } from './l7-harness.js';

export interface AbuseSetup {
  /** Member ports on 127.0.0.1. */
  readonly members: readonly number[];
  readonly certificate: { readonly certificatePem: string; readonly privateKeyPem: string; readonly names: readonly string[] };
  /** Listener timeouts in ms (timeout_client_data, timeout_member_connect, timeout_member_data); the defaults otherwise. */
  readonly timeouts?: { readonly clientData?: number; readonly memberConnect?: number; readonly memberData?: number };
}

export interface AbuseTarget {
  readonly port: number;
  /**
   * Memory the engine holds now, after a garbage collection where it has one (the Node engine:
   * the V8 heap of this process, which runs the listener; another engine: its processes' RSS).
   */
  memoryBytes(): Promise<number>;
}

/** Expectations of the abuse suites an engine may not meet; each is documented (docs/api.md). */
export type AbuseDifference = 'http1-client-gone-after-request' | 'rapid-reset-goaway' | 'stalled-http2-request-body' | 'stalled-http2-stream-beside-busy-one';

export interface AbuseEngine {
  readonly name: string;
  /** Starts an HTTPS listener (ALPN h2, http/1.1) in front of the members; stopped after the test. */
  startHttps(t: TestContext, setup: AbuseSetup): Promise<AbuseTarget>;
  /** What this engine does differently, and why: those tests are skipped with the reason shown. */
  readonly differences?: Partial<Record<AbuseDifference, string>>;
}

/** True (and the test marked skipped, with the reason) when the engine differs here. */
export function differs(t: TestContext, engine: AbuseEngine, difference: AbuseDifference): boolean {
  const reason = engine.differences?.[difference];
  if (reason === undefined) return false;
  t.skip(`${engine.name} engine differs: ${reason}`);
  return true;
}

let collect: (() => void) | undefined;

/** The V8 heap in use after a full collection (gc exposed at runtime: the tests run without --expose-gc). */
async function heapAfterGc(): Promise<number> {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  // Twice, a turn apart: objects freed by the first collection's finalizers go in the second.
  collect();
  await new Promise((resolve) => setImmediate(resolve));
  collect();
  return process.memoryUsage().heapUsed;
}

/** The HTTPS listener (and its pool) an engine is given, on `port` (0: any). */
function httpsConfig(setup: AbuseSetup, port: number): { config: SnapshotListener; pool: SnapshotPool } {
  const config = listener({
    port,
    protocol: 'TERMINATED_HTTPS',
    timeouts: { ...listener().timeouts, ...setup.timeouts },
    tls: {
      defaultCertificate: { id: 'cert-1', ...setup.certificate }, sniCertificates: [], clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE',
      versions: null, ciphers: null, alpnProtocols: ['h2', 'http/1.1'],
    },
  });
  return { config, pool: pool('pool-1', setup.members.map((memberPort) => member(memberPort))) };
}

export const nodeEngine: AbuseEngine = {
  name: 'node',
  async startHttps(t, setup) {
    const { config, pool: members } = httpsConfig(setup, 0);
    const { port } = await startListener(t, httpsListenerFactory(DEFAULT_HTTP_LIMITS), config, new FakeContext([members]));
    return { port, memoryBytes: heapAfterGc };
  },
};

/** Resident memory of a process and its children (/proc), in bytes. */
function residentBytes(pid: number): number {
  const rss = (id: string): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${id}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  let total = rss(String(pid));
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  for (const child of children === '' ? [] : children.split(/\s+/)) total += rss(child);
  return total;
}

export const haproxyEngine: AbuseEngine = {
  name: 'haproxy',
  differences: {
    'http1-client-gone-after-request': 'HAProxy 2.6 notices an HTTP/1.1 client gone after sending its whole request only when it next writes to it, so the member keeps that request until it answers or timeout_member_data (HTTP/2 resets and unfinished requests stop at once)',
    'rapid-reset-goaway': 'HAProxy 2.6 puts no bound on the rate of stream resets (its glitch counters came with 3.0): the connection stays open, and the reset streams leave nothing at the member',
    'stalled-http2-request-body': 'HAProxy 2.6 cuts an HTTP/2 request body that stops coming after timeout_member_data (the member is waiting for it), not timeout_client_data',
    'stalled-http2-stream-beside-busy-one': 'HAProxy 2.6 times out an HTTP/2 client per connection: a stream stalled by its client (zero window) is not reset while another stream of the connection keeps moving',
  },
  async startHttps(t, setup) {
    const dataDir = mkdtempSync(join(tmpdir(), 'elbow-abuse-hx-'));
    const engine = await createHaproxyEngine({ dataDir, drainMs: 1_000 });
    t.after(async () => {
      await engine.close(0);
      rmSync(dataDir, { recursive: true, force: true });
    });
    const { config, pool: members } = httpsConfig(setup, await freePort());
    const report = await engine.apply({ revision: 1, listeners: [config], pools: { [members.id]: members } });
    const errors = Object.values(report.listenerErrors);
    if (errors.length > 0) throw new Error(`HAProxy did not serve the listener: ${errors.join('; ')}`);
    return {
      port: config.port,
      async memoryBytes() {
        const pid = engine.masterPid;
        if (pid === undefined) throw new Error('HAProxy is not running');
        return residentBytes(pid);
      },
    };
  },
};
