// Scenario (elbow only): propagation between nodes. Two elbow nodes share one PostgreSQL database
// (a fresh one on ELBOW_BENCH_POSTGRES_URL's server, dropped afterwards): node A in zone a, node B
// in zone b. Each change is a new TCP listener of a zone-b load balancer, created through node A;
// the time measured runs from A's 201 to B carrying a connection on it (an echo through the
// listener, polled every 2 ms). Reports p50 and p99 over the changes (100; 20 with --quick).
import path from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { startElbow, type ElbowApi } from '../elbow-api.js';
import { echoesWithin } from '../echo-probe.js';
import type { OnceResults, OnceScenario } from '../scenario.js';

const POSTGRES_URL = process.env.ELBOW_BENCH_POSTGRES_URL ?? process.env.ELBOW_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A loopback VIP clear of the other scenarios' (127.0.0.1, 127.0.1.x upward for config-scale). */
const VIP = '127.0.99.1';
const FIRST_PORT = 41_000;
/** A change not served within this long counts as lost and stops the scenario. */
const CHANGE_BOUND_MS = 30_000;

/** Nearest-rank percentile (p99 of 100 values is the 99th smallest). */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function withDatabase<T>(use: (url: string) => Promise<T>): Promise<T> {
  const name = `elbow_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    try {
      return await use(url.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

async function measure(a: ElbowApi, echoPort: number, changes: number): Promise<number[]> {
  const profile = await a.create('availability_zone_profile', 'availabilityzoneprofiles', { name: 'bench', provider_name: 'elbow', availability_zone_data: '{}' });
  await a.create('availability_zone', 'availabilityzones', { name: 'b', availability_zone_profile_id: profile.id });
  const lb = await a.create('loadbalancer', 'loadbalancers', { name: 'propagation', vip_address: VIP, availability_zone: 'b' });
  const pool = await a.create('pool', 'pools', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
  await a.create('member', `pools/${pool.id}/members`, { address: '127.0.0.1', protocol_port: echoPort });
  const times: number[] = [];
  for (let i = 0; i < changes; i += 1) {
    const port = FIRST_PORT + i;
    await a.create('listener', 'listeners', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: port, default_pool_id: pool.id });
    const accepted = performance.now();
    if (!(await echoesWithin(VIP, port, CHANGE_BOUND_MS))) throw new Error(`change ${i + 1} (listener :${port}) was not served by node B within ${CHANGE_BOUND_MS} ms`);
    times.push(performance.now() - accepted);
  }
  return times;
}

export const multiNode: OnceScenario = {
  kind: 'once',
  name: 'multi-node',
  title: 'Propagation: a change accepted by node A serves on node B (elbow only, two nodes on one PostgreSQL)',
  metrics: [
    { id: 'p50Ms', label: 'propagation p50', unit: 'ms', better: 'lower' },
    { id: 'p99Ms', label: 'propagation p99', unit: 'ms', better: 'lower', goal: { on: 'elbow', op: '<', value: 1000 } },
    { id: 'changes', label: 'changes measured', unit: '', better: 'higher' },
  ],
  async run({ options, plan }): Promise<OnceResults> {
    const changes = options.propagationChanges;
    try {
      return await withDatabase(async (url) => {
        const node = (name: string, zone: string) =>
          startElbow({
            dataDir: path.join(plan.dir, `multi-node-${name}`),
            workers: plan.cores,
            fileLimit: plan.fileLimit,
            profileDir: plan.profileDir,
            extraArgs: ['--store', url, '--node-name', name, '--availability-zone', zone],
          });
        const a = await node('a', 'a');
        try {
          const b = await node('b', 'b');
          try {
            const times = await measure(a.api, plan.backends.tcpEcho, changes);
            return { elbow: { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), changes: times.length } };
          } finally {
            await b.child.stop();
          }
        } finally {
          await a.child.stop();
        }
      });
    } catch (err) {
      return { elbow: { unavailable: (err as Error).message.slice(0, 200) } };
    }
  },
};
