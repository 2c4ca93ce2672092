// Scenario 6 (elbow only): configuration at scale. A fresh elbow gets L load balancers, S
// listeners and M members through its API (TCP listeners on loopback VIPs 127.0.1.x…, members on
// 127.0.0.1 ports nothing listens on, no health monitors: no traffic is sent). Reports creates/s,
// the time of one listener update at that size (median of a few) and the RSS of elbow.
import path from 'node:path';
import { startElbow } from '../elbow-api.js';
import type { ElbowApi } from '../elbow-api.js';
import type { ScaleSizes } from '../options.js';
import { median } from '../report.js';
import type { OnceResults, OnceScenario } from '../scenario.js';
import { rssOfTree, sleep } from '../system.js';

const PARALLEL_REQUESTS = 8;
const CHANGES_TIMED = 5;
/** How long elbow is left idle after the last change before its RSS is read. */
const IDLE_SETTLE_MS = 30_000;
const FIRST_LISTENER_PORT = 10_000;
const FIRST_MEMBER_PORT = 20_000;

/** Splits total into parts as even as possible: share(10, 4) = [3, 3, 2, 2]. */
export function share(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** A loopback VIP per load balancer (127.0.1.1, 127.0.1.2, …), clear of the other targets' 127.0.0.1. */
export function vipAddress(index: number): string {
  return `127.0.${1 + Math.floor(index / 254)}.${1 + (index % 254)}`;
}

interface Progress {
  creates: number;
  loadBalancers: number;
  listeners: number;
  members: number;
  listenerIds: string[];
  firstError?: string;
}

async function buildLoadBalancer(api: ElbowApi, index: number, listenerCount: number, membersPerListener: number[], progress: Progress): Promise<void> {
  const loadbalancer = await api.create('loadbalancer', 'loadbalancers', { name: `scale-${index}`, vip_address: vipAddress(index) });
  progress.creates += 1;
  progress.loadBalancers += 1;
  for (let l = 0; l < listenerCount; l += 1) {
    const pool = await api.create('pool', 'pools', { loadbalancer_id: loadbalancer.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
    progress.creates += 1;
    for (let m = 0; m < (membersPerListener[l] ?? 0); m += 1) {
      await api.create('member', `pools/${pool.id}/members`, { address: '127.0.0.1', protocol_port: FIRST_MEMBER_PORT + m });
      progress.creates += 1;
      progress.members += 1;
    }
    const listener = await api.create('listener', 'listeners', {
      loadbalancer_id: loadbalancer.id,
      protocol: 'TCP',
      protocol_port: FIRST_LISTENER_PORT + l,
      default_pool_id: pool.id,
    });
    progress.creates += 1;
    progress.listeners += 1;
    progress.listenerIds.push(listener.id);
  }
}

async function timeChanges(api: ElbowApi, listenerId: string): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < CHANGES_TIMED; k += 1) {
    const started = performance.now();
    await api.update('listener', 'listeners', listenerId, { connection_limit: 10_000 + k });
    times.push(performance.now() - started);
  }
  return median(times) ?? Number.NaN;
}

export const configScale: OnceScenario = {
  kind: 'once',
  name: 'config-scale',
  title: 'Configuration scale (elbow only)',
  metrics: [
    { id: 'createsPerSecond', label: 'API creates/s', unit: '/s', better: 'higher' },
    { id: 'changeMs', label: 'one listener change at size', unit: 'ms', better: 'lower', goal: { on: 'elbow', op: '<', value: 100 } },
    { id: 'rssMb', label: 'RSS at size', unit: 'MB', better: 'lower', goal: { on: 'elbow', op: '<', value: 300 } },
    { id: 'loadBalancers', label: 'load balancers created', unit: '', better: 'higher' },
    { id: 'listeners', label: 'listeners created', unit: '', better: 'higher' },
    { id: 'members', label: 'members created', unit: '', better: 'higher' },
  ],
  async run({ options, plan }): Promise<OnceResults> {
    const sizes: ScaleSizes = options.scale;
    const listenersPerLb = share(sizes.listeners, sizes.loadBalancers);
    const membersPerListener = share(sizes.members, sizes.listeners);
    let elbow;
    try {
      elbow = await startElbow({ dataDir: path.join(plan.dir, 'scale-data'), workers: plan.cores, fileLimit: plan.fileLimit, profileDir: plan.profileDir });
    } catch (err) {
      return { elbow: { unavailable: (err as Error).message } };
    }
    try {
      const progress: Progress = { creates: 0, loadBalancers: 0, listeners: 0, members: 0, listenerIds: [] };
      const deadline = Date.now() + options.scaleBudgetSeconds * 1000;
      let nextLb = 0;
      let nextListener = 0;
      const started = performance.now();
      const worker = async (): Promise<void> => {
        while (nextLb < sizes.loadBalancers && Date.now() < deadline && progress.firstError === undefined) {
          const index = nextLb;
          const count = listenersPerLb[index] ?? 0;
          nextLb += 1;
          const members = membersPerListener.slice(nextListener, nextListener + count);
          nextListener += count;
          try {
            await buildLoadBalancer(elbow.api, index, count, members, progress);
          } catch (err) {
            progress.firstError = (err as Error).message;
          }
        }
      };
      await Promise.all(Array.from({ length: PARALLEL_REQUESTS }, worker));
      const seconds = (performance.now() - started) / 1000;
      if (progress.listenerIds.length === 0) return { elbow: { unavailable: progress.firstError ?? 'nothing created' } };
      if (progress.firstError !== undefined) console.log(`  config-scale stopped early: ${progress.firstError}`);
      else if (progress.loadBalancers < sizes.loadBalancers) console.log(`  config-scale: time budget of ${options.scaleBudgetSeconds} s ran out`);
      const middle = progress.listenerIds[Math.floor(progress.listenerIds.length / 2)] as string;
      const changeMs = await timeChanges(elbow.api, middle);
      // Idle RSS (the goal's): right after thousands of API requests the primary's heap is at its
      // peak; V8 gives that memory back once allocation stops, within seconds (seen: 265 MB ->
      // 126 MB in 20 s). Small runs (--quick) settle at once.
      await sleep(sizes.members < 1000 ? 1000 : IDLE_SETTLE_MS);
      return {
        elbow: {
          createsPerSecond: progress.creates / seconds,
          changeMs,
          rssMb: rssOfTree(elbow.child.pid) / 1024 / 1024,
          loadBalancers: progress.loadBalancers,
          listeners: progress.listeners,
          members: progress.members,
        },
      };
    } catch (err) {
      return { elbow: { unavailable: (err as Error).message } };
    } finally {
      await elbow.child.stop();
    }
  },
};
