// The listener under attack in the abuse suites comes from an engine factory: given members, a
// certificate and timeouts, start an HTTPS listener offering h2 and http/1.1 and say where it
// listens. Every engine runs the same suites with the same expectations.

import type { TestContext } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_HTTP_LIMITS } from '../../src/dataplane/http/l7-listener.js';
import { httpsListenerFactory } from '../../src/dataplane/listeners/https.js';
import { FakeContext, listener, member, pool } from './fake-pools.js';
import { startListener } from './l7-harness.js';

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

export interface AbuseEngine {
  readonly name: string;
  /** Starts an HTTPS listener (ALPN h2, http/1.1) in front of the members; stopped after the test. */
  startHttps(t: TestContext, setup: AbuseSetup): Promise<AbuseTarget>;
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

export const nodeEngine: AbuseEngine = {
  name: 'node',
  async startHttps(t, setup) {
    const context = new FakeContext([pool('pool-1', setup.members.map((port) => member(port)))]);
    const defaults = listener().timeouts;
    const config = listener({
      protocol: 'TERMINATED_HTTPS',
      timeouts: { ...defaults, ...setup.timeouts },
      tls: {
        defaultCertificate: { id: 'cert-1', ...setup.certificate }, sniCertificates: [], clientCaPem: null, clientAuthentication: 'NONE',
        versions: null, ciphers: null, alpnProtocols: ['h2', 'http/1.1'],
      },
    });
    const { port } = await startListener(t, httpsListenerFactory(DEFAULT_HTTP_LIMITS), config, context);
    return { port, memoryBytes: heapAfterGc };
  },
};
