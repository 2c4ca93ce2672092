// Soak: memory of elbow's data plane workers under sustained load and after it (issue 10's
// memory goals). A fresh elbow (--workers per --cores) takes wrk -c100 on its HTTP listener and,
// at the same time, TCP connection churn (connect, echo, close) on its TCP listener for
// --soak seconds. Each worker's RSS is read before the load (the baseline, once the workers are
// warm and idle), every second during it (the peak), and --soak-settle seconds after it ends.
// Goals: every worker's peak under 300 MB, and its RSS after the settle within 20% of its
// baseline. Reported: the highest peak, and the worst after/baseline ratio over the workers.
import { runNodeLoad } from '../node-load.js';
import { Unavailable } from '../scenario.js';
import type { Figures, OnceResults, OnceScenario, RunContext, Target } from '../scenario.js';
import { HOST, childrenOf, rssKb, sleep } from '../system.js';
import { runWrk } from '../wrk.js';

const WRK_CONNECTIONS = 100;
const WRK_THREADS = 2;
const CHURN_CONCURRENCY = 16;
/** Idle time before the baseline: the workers have started and applied the configuration. */
const WARM_UP_MS = 5_000;
const SAMPLE_MS = 1_000;

/** The data plane workers of an elbow process: its children running node. */
export function workerPids(primary: number): number[] {
  return childrenOf(primary).filter((pid) => rssKb(pid) > 0);
}

/** Worst ratio of after to before over the workers (1.0: back to its baseline). */
export function worstReturn(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let worst = 0;
  for (const [pid, base] of before) worst = Math.max(worst, (after.get(pid) ?? 0) / base);
  return worst;
}

async function soakElbow(target: Target, context: RunContext): Promise<Figures> {
  const http = target.endpoints.http;
  const tcp = target.endpoints.tcpEcho;
  if ('unavailable' in http) throw new Unavailable(http.unavailable);
  if ('unavailable' in tcp) throw new Unavailable(tcp.unavailable);
  if (target.pid === null) throw new Unavailable('no elbow process');
  const workers = workerPids(target.pid);
  if (workers.length === 0) throw new Unavailable('no worker processes (elbow --workers 0?)');
  const { soakSeconds, soakSettleSeconds } = context.options;

  // Warm: a short burst first, so that the baseline is a worker that has served, not a new one.
  await runWrk({ url: `http://${HOST}:${http.port}/`, durationSeconds: 2, connections: 10, threads: 1 });
  await sleep(WARM_UP_MS);
  const before = new Map(workers.map((pid) => [pid, rssKb(pid) * 1024]));

  const peak = new Map(before);
  const sampler = setInterval(() => {
    for (const pid of workers) peak.set(pid, Math.max(peak.get(pid) ?? 0, rssKb(pid) * 1024));
  }, SAMPLE_MS);
  const loads = Promise.all([
    runWrk({ url: `http://${HOST}:${http.port}/`, durationSeconds: soakSeconds, connections: WRK_CONNECTIONS, threads: WRK_THREADS }),
    runNodeLoad<{ completed: number; failed: number; seconds: number }>('tcp-connect.ts', { port: tcp.port, duration: soakSeconds, concurrency: CHURN_CONCURRENCY }, (soakSeconds + 30) * 1000),
  ]);
  const [wrk, churn] = await loads.finally(() => clearInterval(sampler));
  const loadEnd = new Map(workers.map((pid) => [pid, rssKb(pid) * 1024]));
  await sleep(soakSettleSeconds * 1000);
  const after = new Map(workers.map((pid) => [pid, rssKb(pid) * 1024]));
  for (const pid of workers) {
    const mb = (bytes: number | undefined): string => ((bytes ?? 0) / 2 ** 20).toFixed(1);
    console.log(`  worker ${pid}: baseline ${mb(before.get(pid))} MB, peak ${mb(peak.get(pid))} MB, at load end ${mb(loadEnd.get(pid))} MB, ${soakSettleSeconds} s later ${mb(after.get(pid))} MB`);
  }
  return {
    peakMb: Math.max(...peak.values()) / 2 ** 20,
    baselineMb: Math.max(...before.values()) / 2 ** 20,
    afterMb: Math.max(...after.values()) / 2 ** 20,
    returnRatio: worstReturn(before, after),
    rps: wrk.requestsPerSecond,
    cps: churn.completed / churn.seconds,
  };
}

export const soak: OnceScenario = {
  kind: 'once',
  name: 'soak',
  title: 'Soak: worker RSS under wrk -c100 plus TCP connection churn, and after the load stops',
  metrics: [
    { id: 'peakMb', label: 'peak RSS of a worker', unit: 'MB', better: 'lower', goal: { on: 'elbow', op: '<', value: 300 } },
    { id: 'baselineMb', label: 'worker RSS before the load', unit: 'MB', better: 'lower' },
    { id: 'afterMb', label: 'worker RSS after the settle time', unit: 'MB', better: 'lower' },
    { id: 'returnRatio', label: 'after / baseline (worst worker)', unit: 'x', better: 'lower', goal: { on: 'elbow', op: '<=', value: 1.2 } },
    { id: 'rps', label: 'HTTP requests/s during the soak', unit: 'req/s', better: 'higher' },
    { id: 'cps', label: 'TCP connections/s during the soak', unit: '/s', better: 'higher' },
  ],
  async run(context): Promise<OnceResults> {
    const results: OnceResults = {};
    let target: Target | undefined;
    try {
      target = await context.startFresh('elbow');
      results.elbow = await soakElbow(target, context);
    } catch (err) {
      results.elbow = { unavailable: (err as Error).message.split('\n')[0] ?? 'failed' };
    } finally {
      await target?.stop();
    }
    return results;
  },
};
