// Scenario 7: memory per idle proxied TCP connection. A fresh instance of each proxy (so garbage
// from earlier scenarios cannot be collected mid-measurement) gets N connections through its TCP
// front end to a backend that holds them, in steps of N/4; at each step, once the backend holds
// every connection (so the proxy's upstream side exists too), the proxy's RSS is read. The figure
// is the least-squares slope of RSS over connections, which one garbage collection moves less
// than a single before/after difference.
import path from 'node:path';
import { LOAD_DIR } from '../node-load.js';
import { startProcess, withFileLimit } from '../processes.js';
import type { Child } from '../processes.js';
import { Unavailable } from '../scenario.js';
import type { Figures, OnceResults, OnceScenario, RunContext, Target } from '../scenario.js';
import { rssOfTree, sleep } from '../system.js';
import { PROXY_NAMES } from '../targets.js';

const STEPS = 4;
const WARM_UP_MS = 2000;
const SETTLE_MS = 1000;
const OPEN_TIMEOUT_MS = 60_000;

/** How many idle connections the file limit allows: the proxy holds two descriptors for each. */
export function idleConnectionCount(requested: number, fileLimit: number): number {
  return Math.max(1, Math.min(requested, Math.floor((fileLimit - 500) / 2)));
}

/** Least-squares slope of y over x. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxy = points.reduce((sum, p) => sum + (p.x - meanX) * (p.y - meanY), 0);
  const sxx = points.reduce((sum, p) => sum + (p.x - meanX) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(100);
  }
  return false;
}

function openTo(clients: Child, total: number): Promise<{ open: number; failed: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Unavailable(`connections not open after ${OPEN_TIMEOUT_MS} ms`)), OPEN_TIMEOUT_MS);
    const onMessage = (message: { type?: string; open?: number; failed?: number }): void => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      clients.process.off('message', onMessage);
      resolve({ open: message.open ?? 0, failed: message.failed ?? 0 });
    };
    clients.process.on('message', onMessage);
    clients.process.send({ type: 'open', total });
  });
}

async function measureTarget(target: Target, count: number, context: RunContext): Promise<Figures> {
  const endpoint = target.endpoints.tcpIdle;
  if ('unavailable' in endpoint) throw new Unavailable(endpoint.unavailable);
  if (target.pid === null) throw new Unavailable('no proxy process');
  const pid = target.pid;
  await sleep(WARM_UP_MS);
  const heldBefore = await context.heldConnections();
  const points = [{ x: 0, y: rssOfTree(pid) }];
  const [command, args] = withFileLimit(context.plan.fileLimit, process.execPath, [
    '--import', 'tsx', path.join(LOAD_DIR, 'idle-clients.ts'), '--port', String(endpoint.port),
  ]);
  const clients = startProcess('idle clients', command, args, { ipc: true });
  try {
    let open = 0;
    for (let step = 1; step <= STEPS; step += 1) {
      const total = Math.round((count * step) / STEPS);
      const ready = await openTo(clients, total);
      if (ready.failed > count * 0.01) throw new Unavailable(`${ready.failed} of ${total} connections failed`);
      open = ready.open;
      const held = await waitFor(async () => (await context.heldConnections()) - heldBefore >= open, OPEN_TIMEOUT_MS);
      if (!held) throw new Unavailable(`backend holds ${(await context.heldConnections()) - heldBefore} of ${open} connections`);
      await sleep(SETTLE_MS);
      points.push({ x: open, y: rssOfTree(pid) });
    }
    return { kbPerConnection: slope(points) / 1024, connections: open };
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
  async run(context): Promise<OnceResults> {
    const count = idleConnectionCount(context.options.idleConnections, context.plan.fileLimit);
    const results: OnceResults = { direct: { unavailable: 'no proxy' } };
    for (const name of PROXY_NAMES) {
      let target: Target | undefined;
      try {
        target = await context.startFresh(name);
        results[name] = await measureTarget(target, count, context);
      } catch (err) {
        results[name] = { unavailable: (err as Error).message.split('\n')[0] ?? 'failed' };
      } finally {
        await target?.stop();
      }
    }
    return results;
  },
};
