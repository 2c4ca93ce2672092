// Scenario 6 (elbow only, each engine): configuration at scale. A fresh elbow (Node engine) gets L
// load balancers, S listeners and M members through its API (TCP listeners on loopback VIPs
// 127.0.1.x…, members on 127.0.0.1 ports nothing listens on, no health monitors: no traffic is
// sent), plus one probe load balancer whose listener's pool starts empty. At that size it times
// one listener update (API call to its answer, which elbow sends once the data plane serves the
// change) and one member added to the probe pool (API call to the listener echoing through it),
// medians of a few, and reads the RSS of elbow. Then elbow restarts on the same store with
// `--engine haproxy` (the elbow-haproxy column): the time until it serves that configuration, the
// same changes (a listener change is a reload there, a member one a runtime command), and the RSS
// of elbow and its HAProxy, HAProxy's share too.
import net from 'node:net';
import path from 'node:path';
import { startElbow } from '../elbow-api.js';
import type { ElbowApi, ElbowEngine, RunningElbow } from '../elbow-api.js';
import { echoesWithin, stopsEchoingWithin } from '../echo-probe.js';
import type { ScaleSizes } from '../options.js';
import { median } from '../report.js';
import type { Figures, OnceResults, OnceScenario, RunContext } from '../scenario.js';
import { HOST, rssOfTree, sleep } from '../system.js';
import { haproxyProblem } from '../tools.js';

const PARALLEL_REQUESTS = 8;
const CHANGES_TIMED = 5;
/** How long elbow is left idle after the last change before its RSS is read. */
const IDLE_SETTLE_MS = 30_000;
const FIRST_LISTENER_PORT = 10_000;
const FIRST_MEMBER_PORT = 20_000;
/** The probe load balancer's VIP, clear of the scale VIPs (127.0.1.1 up to 127.0.4.x at 1,000). */
const PROBE_VIP = '127.0.98.1';
/** A member or listener change not served within this long fails the scenario. */
const CHANGE_BOUND_MS = 10_000;
/** How long elbow with the haproxy engine may take from its start to serving the configuration at size. */
const SERVING_BOUND_MS = 120_000;

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

async function timeListenerChanges(api: ElbowApi, listenerId: string): Promise<number> {
  const times: number[] = [];
  for (let k = 0; k < CHANGES_TIMED; k += 1) {
    const started = performance.now();
    await api.update('listener', 'listeners', listenerId, { connection_limit: 10_000 + k });
    times.push(performance.now() - started);
  }
  return median(times) ?? Number.NaN;
}

interface Probe {
  poolId: string;
  port: number;
}

/** The probe: a TCP listener on its own VIP whose pool has no member yet (it echoes nothing). */
async function createProbe(api: ElbowApi): Promise<Probe> {
  const loadbalancer = await api.create('loadbalancer', 'loadbalancers', { name: 'scale-probe', vip_address: PROBE_VIP });
  const pool = await api.create('pool', 'pools', { loadbalancer_id: loadbalancer.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
  await api.create('listener', 'listeners', { loadbalancer_id: loadbalancer.id, protocol: 'TCP', protocol_port: FIRST_LISTENER_PORT, default_pool_id: pool.id });
  return { poolId: pool.id, port: FIRST_LISTENER_PORT };
}

/**
 * Adds the echo backend as the probe pool's member: the time to the API's answer and to the
 * listener echoing through it (the change live). The member is deleted again between tries, and
 * the listener seen not echoing, so each try starts from the same state (and the pool ends empty).
 */
async function timeMemberChanges(api: ElbowApi, probe: Probe, echoPort: number): Promise<{ apiMs: number; liveMs: number }> {
  const answered: number[] = [];
  const live: number[] = [];
  for (let k = 0; k < CHANGES_TIMED; k += 1) {
    const started = performance.now();
    const member = await api.create('member', `pools/${probe.poolId}/members`, { address: HOST, protocol_port: echoPort });
    answered.push(performance.now() - started);
    if (!(await echoesWithin(PROBE_VIP, probe.port, CHANGE_BOUND_MS))) throw new Error(`a member added was not served within ${CHANGE_BOUND_MS} ms`);
    live.push(performance.now() - started);
    await api.request('DELETE', `/v2/lbaas/pools/${probe.poolId}/members/${member.id}`);
    if (!(await stopsEchoingWithin(PROBE_VIP, probe.port, CHANGE_BOUND_MS))) throw new Error(`a member deleted was still served after ${CHANGE_BOUND_MS} ms`);
  }
  return { apiMs: median(answered) ?? Number.NaN, liveMs: median(live) ?? Number.NaN };
}

/** Creates the configuration with PARALLEL_REQUESTS requests in flight, within the time budget. */
async function build(api: ElbowApi, sizes: ScaleSizes, budgetSeconds: number): Promise<{ progress: Progress; seconds: number }> {
  const listenersPerLb = share(sizes.listeners, sizes.loadBalancers);
  const membersPerListener = share(sizes.members, sizes.listeners);
  const progress: Progress = { creates: 0, loadBalancers: 0, listeners: 0, members: 0, listenerIds: [] };
  const deadline = Date.now() + budgetSeconds * 1000;
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
        await buildLoadBalancer(api, index, count, members, progress);
      } catch (err) {
        progress.firstError = (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_REQUESTS }, worker));
  return { progress, seconds: (performance.now() - started) / 1000 };
}

const MB = 1024 * 1024;

/** What the Node engine's run built, for the haproxy engine's run on the same store. */
interface Built {
  progress: Progress;
  probe: Probe;
  /** A listener of the first and of the last load balancer: bound once the configuration serves. */
  firstAndLast: Array<{ host: string; port: number }>;
}

/** The changes timed and the memory read at size, on either engine. */
async function measureAtSize(elbow: RunningElbow, engine: ElbowEngine, built: Built, context: RunContext): Promise<Figures> {
  const { progress, probe } = built;
  const middle = progress.listenerIds[Math.floor(progress.listenerIds.length / 2)] as string;
  const changeMs = await timeListenerChanges(elbow.api, middle);
  const member = await timeMemberChanges(elbow.api, probe, context.plan.backends.tcpEcho);
  // Idle RSS (the goal's): right after thousands of API requests the primary's heap is at its
  // peak; V8 gives that memory back once allocation stops, within seconds (seen: 265 MB ->
  // 126 MB in 20 s). Small runs (--quick) settle at once. HAProxy's old workers are gone by then.
  await sleep(progress.members < 1000 ? 1000 : IDLE_SETTLE_MS);
  return {
    changeMs,
    memberApiMs: member.apiMs,
    memberLiveMs: member.liveMs,
    rssMb: rssOfTree(elbow.child.pid) / MB,
    // The counts are the Node engine's row only: the haproxy engine serves what that run created.
    ...(engine === 'haproxy'
      ? { haproxyRssMb: rssOfTree(elbow.child.pid, 'haproxy') / MB }
      : { loadBalancers: progress.loadBalancers, listeners: progress.listeners, members: progress.members }),
  };
}

const startAt = (engine: ElbowEngine, dataDir: string, { plan }: RunContext): Promise<RunningElbow> =>
  startElbow({ dataDir, workers: plan.cores, fileLimit: plan.fileLimit, profileDir: plan.profileDir, engine });

/** The Node engine: builds the configuration through the API, then measures at that size. */
async function nodeEngineAtScale(dataDir: string, context: RunContext): Promise<{ figures: Figures | { unavailable: string }; built?: Built }> {
  const { options } = context;
  let elbow: RunningElbow;
  try {
    elbow = await startAt('node', dataDir, context);
  } catch (err) {
    return { figures: { unavailable: (err as Error).message } };
  }
  try {
    const { progress, seconds } = await build(elbow.api, options.scale, options.scaleBudgetSeconds);
    if (progress.listenerIds.length === 0) return { figures: { unavailable: progress.firstError ?? 'nothing created' } };
    if (progress.firstError !== undefined) console.log(`  config-scale stopped early: ${progress.firstError}`);
    else if (progress.loadBalancers < options.scale.loadBalancers) console.log(`  config-scale: time budget of ${options.scaleBudgetSeconds} s ran out`);
    const last = Math.max(0, progress.loadBalancers - 1);
    const built: Built = {
      progress,
      probe: await createProbe(elbow.api),
      firstAndLast: [{ host: vipAddress(0), port: FIRST_LISTENER_PORT }, { host: vipAddress(last), port: FIRST_LISTENER_PORT }],
    };
    return { figures: { createsPerSecond: progress.creates / seconds, ...(await measureAtSize(elbow, 'node', built, context)) }, built };
  } catch (err) {
    return { figures: { unavailable: (err as Error).message } };
  } finally {
    await elbow.child.stop();
  }
}

async function bound(address: { host: string; port: number }, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(address, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await sleep(20);
  }
  return false;
}

/**
 * The haproxy engine on the same store: elbow restarted with --engine haproxy renders the whole
 * configuration at once (creating it through the API, a reload per listener, would not fit the
 * time budget at full size), then the same changes are timed and the memory read.
 */
async function haproxyEngineAtScale(dataDir: string, built: Built, context: RunContext): Promise<Figures | { unavailable: string }> {
  let elbow: RunningElbow;
  const started = performance.now();
  try {
    elbow = await startAt('haproxy', dataDir, context);
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
  try {
    const deadline = Date.now() + SERVING_BOUND_MS;
    for (const address of built.firstAndLast) {
      if (!(await bound(address, deadline))) throw new Error(`${address.host}:${address.port} not bound ${SERVING_BOUND_MS} ms after the start`);
    }
    const startMs = performance.now() - started;
    return { startMs, ...(await measureAtSize(elbow, 'haproxy', built, context)) };
  } catch (err) {
    return { unavailable: (err as Error).message };
  } finally {
    await elbow.child.stop();
  }
}

export const configScale: OnceScenario = {
  kind: 'once',
  name: 'config-scale',
  title: 'Configuration scale (elbow only: the Node engine, then the haproxy engine)',
  metrics: [
    { id: 'createsPerSecond', label: 'API creates/s', unit: '/s', better: 'higher' },
    { id: 'startMs', label: 'start at size until serving', unit: 'ms', better: 'lower' },
    {
      id: 'changeMs',
      label: 'one listener change at size',
      unit: 'ms',
      better: 'lower',
      goal: { on: 'elbow', op: '<', value: 100 },
      // Issue 9: a listener change (a reload) at 1,000 load balancers / 10,000 members.
      haproxyEngine: { goal: { on: 'elbow', op: '<', value: 500 } },
    },
    { id: 'memberApiMs', label: 'one member added, API answer', unit: 'ms', better: 'lower' },
    // Issue 9: a member change (runtime API, no reload) live within 50 ms at that size.
    { id: 'memberLiveMs', label: 'one member added, serving', unit: 'ms', better: 'lower', haproxyEngine: { goal: { on: 'elbow', op: '<', value: 50 } } },
    { id: 'rssMb', label: 'RSS at size', unit: 'MB', better: 'lower', goal: { on: 'elbow', op: '<', value: 300 } },
    { id: 'haproxyRssMb', label: "of which HAProxy's", unit: 'MB', better: 'lower' },
    { id: 'loadBalancers', label: 'load balancers created', unit: '', better: 'higher' },
    { id: 'listeners', label: 'listeners created', unit: '', better: 'higher' },
    { id: 'members', label: 'members created', unit: '', better: 'higher' },
  ],
  async run(context): Promise<OnceResults> {
    const dataDir = path.join(context.plan.dir, 'scale-data');
    const node = await nodeEngineAtScale(dataDir, context);
    const problem = haproxyProblem();
    let haproxy: Figures | { unavailable: string };
    if (problem !== null) haproxy = { unavailable: problem };
    else if (node.built === undefined) haproxy = { unavailable: 'the Node engine run built no configuration to serve' };
    else haproxy = await haproxyEngineAtScale(dataDir, node.built, context);
    return { elbow: node.figures, 'elbow-haproxy': haproxy };
  },
};
