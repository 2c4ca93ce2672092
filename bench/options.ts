// Command-line options of `npm run bench`.
import path from 'node:path';
import { parseArgs } from 'node:util';

export interface ScaleSizes {
  loadBalancers: number;
  listeners: number;
  members: number;
}

export interface BenchOptions {
  rounds: number;
  /** Seconds per measurement. */
  duration: number;
  /** Cores given to each proxy: haproxy nbthread, nginx worker_processes, elbow --workers. */
  cores: number;
  /** Scenario names to run; empty = all. */
  only: string[];
  scale: ScaleSizes;
  idleConnections: number;
  /** Seconds the configuration-scale scenario may spend creating resources. */
  scaleBudgetSeconds: number;
  /** Changes the multi-node scenario times (p50/p99 over them). */
  propagationChanges: number;
  /** When set, elbow runs with --cpu-prof and its processes' profiles land here. */
  profileDir: string | null;
  /** Seconds of load in the soak scenario. */
  soakSeconds: number;
  /** Seconds the soak scenario waits after the load before reading RSS again. */
  soakSettleSeconds: number;
  /** Where latest.{json,md,svg} go. */
  resultsDir: string;
}

export const USAGE = `usage: npm run bench -- [options]
  --rounds N             interleaved rounds per scenario, medians reported (default 3)
  --duration S           seconds per measurement (default 5)
  --cores N              cores per proxy: haproxy nbthread, nginx worker_processes, elbow --workers (default 1)
  --only A,B             run only these scenarios (names as printed in the table)
  --scale L,S,M          configuration scale: load balancers, listeners, members (default 1000,2000,10000)
  --idle-connections N   idle TCP connections for the memory scenario (default 10000)
  --scale-budget S       seconds the scale scenario may spend creating (default 600)
  --changes N            changes the multi-node scenario times, node A to node B (default 100)
  --soak S               seconds of load in the soak scenario (default 300)
  --soak-settle S        seconds after the soak's load before RSS is read again (default 60)
  --quick                smoke run: 1 round of 2 s, scale 20,40,200 within 60 s, 1000 idle connections, 20 changes, a 20 s soak with a 10 s settle
  --profile DIR          run elbow under node --cpu-prof, profiles (every process) written to DIR
  --results DIR          where latest.json/.md/.svg are written (default bench/results)
  --help`;

function positiveInt(text: string | undefined, fallback: number, what: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a positive integer, got ${text}`);
  return value;
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      cores: { type: 'string' },
      only: { type: 'string' },
      scale: { type: 'string' },
      'idle-connections': { type: 'string' },
      'scale-budget': { type: 'string' },
      changes: { type: 'string' },
      soak: { type: 'string' },
      'soak-settle': { type: 'string' },
      quick: { type: 'boolean', default: false },
      profile: { type: 'string' },
      results: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const scaleParts = (values.scale ?? (quick ? '20,40,200' : '1000,2000,10000')).split(',');
  if (scaleParts.length !== 3) throw new Error('--scale takes three numbers: load balancers, listeners, members');
  const [loadBalancers, listeners, members] = scaleParts.map((part) => positiveInt(part, 1, '--scale')) as [number, number, number];
  return {
    rounds: positiveInt(values.rounds, quick ? 1 : 3, '--rounds'),
    duration: positiveInt(values.duration, quick ? 2 : 5, '--duration'),
    cores: positiveInt(values.cores, 1, '--cores'),
    only: values.only ? values.only.split(',').map((name) => name.trim()).filter(Boolean) : [],
    scale: { loadBalancers, listeners, members },
    idleConnections: positiveInt(values['idle-connections'], quick ? 1000 : 10000, '--idle-connections'),
    scaleBudgetSeconds: positiveInt(values['scale-budget'], quick ? 60 : 600, '--scale-budget'),
    propagationChanges: positiveInt(values.changes, quick ? 20 : 100, '--changes'),
    soakSeconds: positiveInt(values.soak, quick ? 20 : 300, '--soak'),
    soakSettleSeconds: positiveInt(values['soak-settle'], quick ? 10 : 60, '--soak-settle'),
    profileDir: values.profile ? path.resolve(values.profile) : null,
    resultsDir: values.results ?? 'bench/results',
  };
}
