// An in-process probe of the HAProxy engine at configuration scale (issue 9): the config-scale
// scenario's shape built as a Snapshot in memory (L TCP listeners on loopback VIPs, M members on
// ports nothing listens on, no monitors), applied to a real HAProxy, then the timings of what the
// engine does for one member added and one listener's connection_limit changed: render, plan and
// apply(). Unchanged parts keep their object identity, as IncrementalSnapshotBuilder's do.
//
//   node --import tsx bench/haproxy-scale-probe.ts [--load-balancers 1000] [--listeners 2000] [--members 10000] [--rounds 5]
//   add --cpu-prof (before --import) to profile; the numbers are noisy on a shared machine.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createHaproxyEngine } from '../src/engines/haproxy/engine.js';
import { plan } from '../src/engines/haproxy/plan.js';
import { RenderCache, renderConfig } from '../src/engines/haproxy/render.js';
import { copiedDefaults } from '../src/snapshot/copied-fields.js';
import { RuntimeView } from '../src/snapshot/runtime-view.js';
import type { Snapshot, SnapshotListener, SnapshotMember, SnapshotPool } from '../src/snapshot/snapshot.js';
import { share, vipAddress } from './scenarios/config-scale.js';

const { values } = parseArgs({
  options: {
    'load-balancers': { type: 'string', default: '1000' },
    listeners: { type: 'string', default: '2000' },
    members: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
const loadBalancers = Number(values['load-balancers']);
const listenerCount = Number(values.listeners);
const memberCount = Number(values.members);
const rounds = Number(values.rounds);

function member(id: string, port: number): SnapshotMember {
  return { ...copiedDefaults('member'), id, name: '', address: '127.0.0.1', port, weight: 1, backup: false, enabled: true, monitorAddress: '127.0.0.1', monitorPort: port };
}

function pool(id: string, members: SnapshotMember[]): SnapshotPool {
  return { ...copiedDefaults('pool'), id, name: '', protocol: 'TCP', algorithm: 'ROUND_ROBIN', enabled: true, sessionPersistence: null, healthMonitor: null, tls: null, members };
}

function listener(id: string, lb: number, port: number, poolId: string): SnapshotListener {
  return {
    ...copiedDefaults('listener'),
    id,
    name: '',
    loadBalancerId: `lb-${lb}`,
    protocol: 'TCP',
    transport: 'tcp',
    address: vipAddress(lb),
    port,
    enabled: true,
    connectionLimit: -1,
    timeouts: { clientData: 50_000, memberConnect: 5_000, memberData: 50_000 },
    insertHeaders: {},
    accessControl: { allowedCidrs: [], ipGroup: null },
    defaultPoolId: poolId,
    tls: null,
    hsts: null,
    policies: [],
    accessLog: false,
  };
}

function build(): Snapshot {
  const listeners: SnapshotListener[] = [];
  const pools: Record<string, SnapshotPool> = {};
  const perLb = share(listenerCount, loadBalancers);
  const perListener = share(memberCount, listenerCount);
  let index = 0;
  perLb.forEach((count, lb) => {
    for (let l = 0; l < count; l++, index++) {
      const poolId = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
      const members = Array.from({ length: perListener[index] ?? 0 }, (_, m) => member(`10000000-0000-4000-8000-${String(index * 100 + m).padStart(12, '0')}`, 20_000 + m));
      pools[poolId] = pool(poolId, members);
      listeners.push(listener(`20000000-0000-4000-8000-${String(index).padStart(12, '0')}`, lb, 10_000 + l, poolId));
    }
  });
  return { revision: 1, listeners, pools };
}

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, performance.now() - start];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const f = (x: number): string => `${x.toFixed(1)} ms`;

const dataDir = mkdtempSync(join(tmpdir(), 'elbow-haproxy-probe-'));
// Reporting into a runtime view, as `elbow serve` has it: each apply's member statuses go there.
const engine = await createHaproxyEngine({ dataDir, parentDeathSignal: true, runtime: new RuntimeView().part('haproxy') });
try {
  let snapshot = build();
  const options = { dir: join(dataDir, 'haproxy'), hardStopAfterMs: 10_000, threads: 1, accessLogTarget: null };
  const [, first] = await timeAsync(() => engine.apply(snapshot));
  console.log(`${snapshot.listeners.length} listeners, ${Object.keys(snapshot.pools).length} pools, ${memberCount} members: first apply ${f(first)}`);
  // HAProxy's own share of a reload is at least its parse of the configuration and the files it names.
  const [, checkMs] = await timeAsync(() => promisify(execFile)('haproxy', ['-c', '-q', '-f', join(options.dir, 'haproxy.cfg')]));
  console.log(`haproxy -c of that configuration: ${f(checkMs)}`);
  const [base, renderMs] = time(() => renderConfig(snapshot, options));
  console.log(`renderConfig (whole, cold): ${f(renderMs)}, ${(base.text.length / 1e6).toFixed(1)} MB of text`);

  const probeListener = snapshot.listeners[Math.floor(snapshot.listeners.length / 2)] as SnapshotListener;
  const probePoolId = probeListener.defaultPoolId as string;
  type Times = { render: number[]; plan: number[]; apply: number[] };
  const memberTimes: Times = { render: [], plan: [], apply: [] };
  const listenerTimes: Times = { render: [], plan: [], apply: [] };
  // The probe's own cache, as the engine keeps one: render and plan times are the engine's.
  const cache = new RenderCache();
  let previous = renderConfig(snapshot, options, cache);
  /** Renders, plans and applies the next snapshot, each timed into `times`. */
  const timeChange = async (next: Snapshot, times: Times): Promise<void> => {
    snapshot = next;
    const [rendered, r] = time(() => renderConfig(next, options, cache));
    const [, p] = time(() => plan(options.dir, previous, rendered));
    const [, a] = await timeAsync(() => engine.apply(next));
    times.render.push(r);
    times.plan.push(p);
    times.apply.push(a);
    previous = rendered;
  };
  for (let round = 0; round < rounds; round++) {
    // (a) one member added to one pool: a new pool object, everything else the same objects.
    const oldPool = snapshot.pools[probePoolId] as SnapshotPool;
    const added = member(`30000000-0000-4000-8000-${String(round).padStart(12, '0')}`, 30_000 + round);
    await timeChange({ revision: snapshot.revision + 1, listeners: snapshot.listeners, pools: { ...snapshot.pools, [probePoolId]: { ...oldPool, members: [...oldPool.members, added] } } }, memberTimes);

    // (b) one listener's connection_limit changed: a new listener object.
    const at = snapshot.listeners.findIndex((l) => l.id === probeListener.id);
    const listeners = [...snapshot.listeners];
    listeners[at] = { ...(listeners[at] as SnapshotListener), connectionLimit: 1000 + round };
    await timeChange({ revision: snapshot.revision + 1, listeners, pools: snapshot.pools }, listenerTimes);
  }
  const summary = (times: Times): string => `render ${f(median(times.render))}, plan ${f(median(times.plan))}, apply ${f(median(times.apply))} (apply each: ${times.apply.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (2 CPUs shared: noisy)`);
  console.log(`member added:      ${summary(memberTimes)}`);
  console.log(`listener changed:  ${summary(listenerTimes)}`);
  const statsTimes: number[] = [];
  for (let i = 0; i < 10; i++) statsTimes.push((await timeAsync(() => engine.stats()))[1]);
  console.log(`stats(): ${f(median(statsTimes))} (each: ${statsTimes.map((x) => x.toFixed(0)).join(', ')})`);
  globalThis.gc?.();
  console.log(`heap used ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  await engine.close(1_000);
  if (values.keep) console.log(`kept ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
}
