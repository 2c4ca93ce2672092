// Scenario 7: memory per idle proxied TCP connection. Opens N connections through each proxy's
// TCP front end to a backend that holds them, waits until the backend holds all of them (so the
// proxy's upstream side exists too), and divides the proxy's RSS growth by N.
import path from 'node:path';
import { LOAD_DIR } from '../node-load.js';
import { startProcess, withFileLimit } from '../processes.js';
import { Unavailable } from '../scenario.js';
import type { Figures, OnceResults, OnceScenario, RunContext, Target } from '../scenario.js';
import { rssOfTree, sleep } from '../system.js';

const OPEN_TIMEOUT_MS = 60_000;
const SETTLE_MS = 1000;

/** How many idle connections the file limit allows: the proxy holds two descriptors for each. */
export function idleConnectionCount(requested: number, fileLimit: number): number {
  return Math.max(1, Math.min(requested, Math.floor((fileLimit - 500) / 2)));
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(100);
  }
  return false;
}

async function measureTarget(target: Target, count: number, context: RunContext): Promise<Figures> {
  const endpoint = target.endpoints.tcpIdle;
  if ('unavailable' in endpoint) throw new Unavailable(endpoint.unavailable);
  if (target.pid === null) throw new Unavailable('no proxy process');
  const pid = target.pid;
  const heldBefore = await context.heldConnections();
  const rssBefore = rssOfTree(pid);
  const [command, args] = withFileLimit(context.plan.fileLimit, process.execPath, [
    '--import', 'tsx', path.join(LOAD_DIR, 'idle-clients.ts'), '--port', String(endpoint.port), '--count', String(count),
  ]);
  const clients = startProcess('idle clients', command, args, { ipc: true });
  try {
    const ready = await new Promise<{ open: number; failed: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Unavailable(`connections not open after ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
      clients.process.on('message', (message: { type?: string; open?: number; failed?: number }) => {
        if (message.type !== 'ready') return;
        clearTimeout(timer);
        resolve({ open: message.open ?? 0, failed: message.failed ?? 0 });
      });
      void clients.exited.then(() => reject(new Unavailable(`idle clients exited: ${clients.output().slice(0, 160)}`)));
    });
    if (ready.open < count * 0.99) throw new Unavailable(`only ${ready.open} of ${count} connections opened`);
    const reached = await waitFor(async () => (await context.heldConnections()) - heldBefore >= ready.open, OPEN_TIMEOUT_MS);
    if (!reached) throw new Unavailable(`backend holds ${(await context.heldConnections()) - heldBefore} of ${ready.open} connections`);
    await sleep(SETTLE_MS);
    const growth = rssOfTree(pid) - rssBefore;
    return { kbPerConnection: growth / ready.open / 1024, connections: ready.open };
  } finally {
    await clients.stop();
    // The next proxy starts from the same baseline: the backend has let go of these connections.
    await waitFor(async () => (await context.heldConnections()) <= heldBefore, 15_000);
  }
}

export const idleMemory: OnceScenario = {
  kind: 'once',
  name: 'idle-memory',
  title: 'Memory per idle proxied TCP connection',
  metrics: [
    { id: 'kbPerConnection', label: 'RSS growth per connection', unit: 'KB', better: 'lower', ratioTo: 'haproxy', goal: { on: 'elbow', op: '<', value: 10 } },
    { id: 'connections', label: 'idle connections held', unit: '', better: 'higher' },
  ],
  async run(context) {
    const count = idleConnectionCount(context.options.idleConnections, context.plan.fileLimit);
    const results: OnceResults = { direct: { unavailable: 'no proxy' } };
    for (const target of context.targets) {
      if (target.name === 'direct') continue;
      try {
        results[target.name] = await measureTarget(target, count, context);
      } catch (err) {
        results[target.name] = { unavailable: (err as Error).message };
      }
    }
    return results;
  },
};
