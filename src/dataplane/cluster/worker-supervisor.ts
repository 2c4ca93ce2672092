// Keeps N data plane worker processes running: forks them (node:cluster, listening sockets
// shared), restarts one that exits with bounded backoff, and stops them all within a bound. What
// a worker is sent and what it reports is not its business: it hands each worker's channel to
// the events it is given.

import cluster, { type Worker } from 'node:cluster';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataPlaneStats } from '../../snapshot/snapshot.js';
import type { DataPlaneLogger } from '../observe/logger.js';
import type { StickyBinding } from '../sessions/sticky-sync.js';
import { processTicketKeys } from '../tls/ticket-keys.js';
import { WORKER_ENV, type MemberHealth, type WorkerSettings } from './messages.js';
import { nextRestart, type RestartPolicy } from './restart-backoff.js';
import { WorkerChannel } from './worker-channel.js';

/** After the drain bound, how long a worker may take to exit before it is killed. */
const EXIT_GRACE_MS = 2_000;

/**
 * V8 flags for data plane workers. --no-incremental-marking: a worker's heap is small and barely
 * grows, but every socket read allocates a 64 KB buffer outside it; with incremental marking on,
 * V8 then ran a major GC every 50-90 ms under bulk TCP, a fifth of the worker's CPU. Without it a
 * major GC runs only when the old generation reaches its limit (docs/benchmark.md, "History", has the A/B).
 * That also stops V8's memory reducer, the collections it runs once idle, and lets the old
 * generation grow to several times its live size under load: --expose-gc lets the worker collect
 * itself, under load (heap-ceiling.ts) and once idle (idle-collector.ts).
 */
const WORKER_V8_FLAGS = ['--no-incremental-marking', '--expose-gc'];

/**
 * glibc malloc settings for data plane workers (each one unless the operator set it). Socket
 * buffers live outside V8's heap, in malloc: under a flood of connections and large answers,
 * glibc's default — up to 8 arenas per core, and an mmap threshold that rises after every large
 * free so that later large buffers go to the arenas too — left a worker's RSS hundreds of MB above
 * its baseline after the load, with the heap long freed (issue 10's soak, issue 15's stalled
 * downloads). Two arenas, a fixed 128 KB mmap threshold (larger buffers are mapped and unmapped,
 * so freeing them returns the memory) and a 128 KB trim threshold (the arenas' free tops go back
 * to the kernel) bound it; the 64 KB socket read buffers stay below the threshold, so reads cost
 * no system call (docs/benchmark.md, the soak scenario).
 */
export const WORKER_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/** The malloc settings a worker gets: WORKER_MALLOC_ENV, except those the environment already sets. */
export function workerMallocEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(WORKER_MALLOC_ENV).filter(([name]) => env[name] === undefined));
}

/** One worker position: the process in it changes when it is restarted. */
export class WorkerSlot {
  channel: WorkerChannel | undefined;
  /** The channel answered `started`: it receives every apply from now on. */
  started = false;
  /** Started and running the latest snapshot it was sent. */
  ready = false;
  restarts = 0;
  crashes = 0;
  restartTimer: NodeJS.Timeout | undefined;
  /** Last stats the worker answered; its counters are kept when the worker exits. */
  lastStats: DataPlaneStats | undefined;
  exited: Promise<void> = Promise.resolve();

  constructor(readonly index: number) {}

  /** The prober: the one worker that runs health checks, the others mirror its verdicts. */
  get probes(): boolean {
    return this.index === 0;
  }
}

export interface StartedWorker {
  readonly slot: WorkerSlot;
  readonly channel: WorkerChannel;
}

export interface SupervisorEvents {
  /** A worker (first or restarted) started: bring it up to date. Resolves whether it is (never rejects); then it counts as ready. */
  started(worker: StartedWorker): Promise<boolean>;
  memberHealth(from: WorkerSlot, states: MemberHealth): void;
  sticky(from: WorkerSlot, bindings: readonly StickyBinding[]): void;
  /** A worker exited (its slot is neither started nor ready any more); called before any restart. */
  exited(slot: WorkerSlot): void;
}

export interface SupervisorOptions {
  readonly workers: number;
  readonly settings: WorkerSettings;
  readonly restart: RestartPolicy;
  readonly logger: DataPlaneLogger;
  /** Module each worker runs. Default: worker.ts (sources under tsx) or worker.js (dist) beside this file. */
  readonly workerEntry?: string;
}

/** What the parts that talk to workers need of the supervisor. */
export interface WorkerSet {
  readonly slots: readonly WorkerSlot[];
  started(): StartedWorker[];
  ready(): StartedWorker[];
}

export class WorkerSupervisor implements WorkerSet {
  readonly slots: readonly WorkerSlot[];
  /** Every worker's first start (or failure to start), once start() was called. */
  firstStarts: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly options: SupervisorOptions,
    private readonly events: SupervisorEvents,
  ) {
    this.slots = Array.from({ length: options.workers }, (_, index) => new WorkerSlot(index));
  }

  /** Forks every worker. */
  start(): void {
    const { options } = this;
    // Let the kernel spread connections over the workers' accept() calls unless the operator chose
    // a policy (NODE_CLUSTER_SCHED_POLICY=rr|none); it must be set before the first fork.
    if (process.env.NODE_CLUSTER_SCHED_POLICY === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({
      exec: options.workerEntry ?? defaultWorkerEntry(),
      // tsx's --import must reach the workers; a test runner's own flags must not.
      execArgv: [...process.execArgv.filter((arg) => !arg.startsWith('--test')), ...WORKER_V8_FLAGS],
    });
    this.firstStarts = Promise.all(this.slots.map((slot) => new Promise<void>((resolve) => this.fork(slot, resolve)))).then(() => undefined);
  }

  /** Workers that started and are alive: they receive every apply. */
  started(): StartedWorker[] {
    return this.slots.flatMap((slot) => (slot.started && slot.channel?.alive ? [{ slot, channel: slot.channel }] : []));
  }

  /** Started workers running the latest snapshot: they answer for their counters, metrics and members. */
  ready(): StartedWorker[] {
    return this.started().filter(({ slot }) => slot.ready);
  }

  /** Workers stop accepting and drain within drainMs, then exit; any left after a grace period are killed. */
  async close(drainMs: number): Promise<void> {
    this.closing = true;
    for (const slot of this.slots) clearTimeout(slot.restartTimer);
    const running = this.slots.flatMap((slot) => (slot.channel ? [{ slot, channel: slot.channel }] : []));
    for (const { slot, channel } of running) {
      // A worker that has not started serves nothing and cannot hear the request yet.
      if (slot.started) channel.request({ op: 'close', drainMs }).catch(() => undefined);
      else channel.worker.process.kill('SIGKILL');
    }
    const exited = Promise.all(running.map(({ slot }) => slot.exited));
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), drainMs + EXIT_GRACE_MS);
    });
    if ((await Promise.race([exited, bound])) === 'late') {
      for (const { channel } of running) if (!channel.worker.isDead()) channel.worker.process.kill('SIGKILL');
      await exited;
    }
    clearTimeout(timer);
  }

  get isClosing(): boolean {
    return this.closing;
  }

  private fork(slot: WorkerSlot, onFirstStart?: () => void): void {
    const { settings, logger } = this.options;
    const worker = cluster.fork({
      ...workerMallocEnv(),
      [WORKER_ENV.slot]: String(slot.index),
      [WORKER_ENV.probes]: slot.probes ? '1' : '0',
      [WORKER_ENV.settings]: JSON.stringify(settings),
      [WORKER_ENV.ticketKeys]: processTicketKeys().exportForWorker(),
    });
    const channel = new WorkerChannel(worker, {
      started: () => {
        slot.started = true;
        void this.events.started({ slot, channel }).then((upToDate) => {
          if (upToDate && slot.channel === channel) slot.ready = true;
          onFirstStart?.();
        });
      },
      memberHealth: (states) => this.events.memberHealth(slot, states),
      sticky: (bindings) => this.events.sticky(slot, bindings),
    });
    slot.channel = channel;
    slot.started = false;
    slot.ready = false;
    slot.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('error', (error: Error) => logger.warn({ slot: slot.index, pid: channel.pid, error: error.message }, 'data plane worker IPC error'));
    worker.once('exit', (code: number | null, signal: string | null) => {
      onFirstStart?.();
      this.onExit(slot, channel, worker, code, signal);
    });
  }

  private onExit(slot: WorkerSlot, channel: WorkerChannel, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.channel !== channel) return;
    slot.channel = undefined;
    slot.started = false;
    slot.ready = false;
    this.events.exited(slot);
    if (this.closing) return;
    const next = nextRestart(this.options.restart, slot.crashes, Date.now() - channel.startedAt);
    slot.crashes = next.crashes;
    this.options.logger.warn({ slot: slot.index, pid: worker.process.pid, code, signal, restart_in_ms: next.delayMs }, 'data plane worker exited; restarting');
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (this.closing) return;
      slot.restarts++;
      this.fork(slot);
    }, next.delayMs);
  }
}

function defaultWorkerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), `worker${extname(here)}`);
}
