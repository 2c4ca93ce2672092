// `elbow serve --workers N`: the data plane in N worker processes (node:cluster) sharing every
// listening socket. The primary (which keeps the API and the store) supervises them: it sends each
// snapshot to every worker, restarts a worker that dies (with bounded backoff) and gives it the
// latest snapshot before it counts as ready, relays member health from the one probing worker to
// the others, and merges their status and metrics into one truth.
//
// Listening sockets: a worker's listen()/bind() goes through the primary, which opens the socket
// once and shares the handle. With SCHED_NONE every worker accepts on that socket and the kernel
// spreads connections (roughly: 60/40 to 50/50 between 2 workers under wrk). SCHED_RR has the
// primary accept and pass each connection over IPC: on a shared 2-core VM (wrk through a TCP
// listener to nginx) keep-alive requests/s were alike, new connections/s 770-1,720 with RR against
// 885-2,495 with NONE, so SCHED_NONE is the default.
// A UDP listener is bound by one worker only (udp-ownership.ts).
//
// Sticky tables (SOURCE_IP persistence, learned APP_COOKIE values): a binding one worker makes is
// relayed to the others (sessions/sticky-sync.ts), so a client's next connection, on whichever
// worker, reaches the same member. A restarted worker starts with empty tables and learns anew.
//
// Least connections: each worker balances by its own connection counts. The kernel spreads
// connections over workers with no regard to members, so each worker sees a like sample of the
// traffic and its least-loaded member is, on average, the globally least-loaded one; sharing counts
// over IPC would cost messages per connection and still be stale by the time they arrive.

import cluster, { type Worker } from 'node:cluster';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApplyReport, ListenerStats, LiveStatus, Snapshot, SnapshotApplier } from '../../snapshot/snapshot.js';
import { addListenerStats, mergeApplyReports, mergeLiveStatus, pruneMemberHealth, retiredStats } from './aggregate.js';
import { DEFAULT_DRAIN_MS } from '../dataplane.js';
import { SILENT_LOGGER, type DataPlaneLogger } from '../observe/logger.js';
import { WORKER_ENV, type MemberHealth, type WorkerSettings } from './messages.js';
import { processTicketKeys } from '../tls/ticket-keys.js';
import { mergePrometheusText } from './prometheus-merge.js';
import { DEFAULT_RESTART_POLICY, nextRestart, type RestartPolicy } from './restart-backoff.js';
import { DeltaEncoder } from './snapshot-delta.js';
import { assignUdpOwners, sameOwners, type UdpOwners } from './udp-ownership.js';
import { WorkerChannel, WorkerGoneError, WorkerTimeoutError } from './worker-channel.js';

export interface ClusteredDataPlaneOptions {
  /** Number of worker processes (>= 1). */
  readonly workers: number;
  /** Drain bound for removed listeners and members, and close()'s default; default DEFAULT_DRAIN_MS. */
  readonly drainMs?: number;
  /** Where listeners with access_log on write <listener id>.log; default: the workers' logs. */
  readonly accessLogDir?: string;
  /** The primary's logger (worker lifecycle); default silent. */
  readonly logger?: DataPlaneLogger;
  /** Workers log JSON lines on stderr at this level; default 'info'. */
  readonly logLevel?: string;
  /** Module each worker runs. Default: worker.ts (sources under tsx) or worker.js (dist) beside this file. */
  readonly workerEntry?: string;
  /** Default DEFAULT_RESTART_POLICY. */
  readonly restart?: Partial<RestartPolicy>;
  /** Longest wait for one worker's status or metrics; a slower worker is left out. Default 5 s. */
  readonly queryTimeoutMs?: number;
  /** A worker that takes longer to apply a snapshot is taken as hung: killed and restarted. Default 60 s. */
  readonly applyTimeoutMs?: number;
}

export interface WorkerInfo {
  readonly slot: number;
  readonly pid: number | undefined;
  /** Started and running the latest snapshot it was sent. */
  readonly ready: boolean;
  readonly restarts: number;
  /** This worker's own view (its connections only); undefined when it did not answer. */
  readonly status: LiveStatus | undefined;
}

export interface ClusteredDataPlane extends SnapshotApplier {
  /** Workers stop accepting, drain open connections within drainMs, and exit; killed after a bound. */
  close(drainMs?: number): Promise<void>;
  /** One entry per worker slot, for operators and tests. */
  workers(): Promise<WorkerInfo[]>;
}

/** After the drain bound, how long a worker may take to exit before it is killed. */
const EXIT_GRACE_MS = 2_000;
/** Member health families every worker reports alike (mirrored from the probing worker). */
const isHealthFamily = (family: string): boolean => /member.*(up|health|status|state)/.test(family);

interface Slot {
  readonly index: number;
  channel: WorkerChannel | undefined;
  /** The channel answered `started`: it receives every apply from now on. */
  started: boolean;
  ready: boolean;
  restarts: number;
  crashes: number;
  restartTimer: NodeJS.Timeout | undefined;
  /** Last status the worker answered; its counters are kept when the worker exits. */
  lastStatus: LiveStatus | undefined;
  exited: Promise<void>;
}

/**
 * V8 flags for data plane workers. --no-incremental-marking: a worker's heap is small (10-20 MB)
 * and barely grows, but every socket read allocates a 64 KB buffer outside it; with incremental
 * marking on, V8 then started a major GC every 50-90 ms under bulk TCP (--trace-gc: "finalize
 * incremental marking via task"), a fifth of the worker's CPU. Without it a major GC runs only
 * when the old generation reaches its limit (none in a 4 s iperf3 run), as one pause of a few ms
 * per 10 MB of heap. iperf3 through one worker, A/B in the same minutes: 7.2 vs 6.0 Gbit/s;
 * HTTP keep-alive requests/s +5%, p99 unchanged.
 */
const WORKER_V8_FLAGS = ['--no-incremental-marking'];

export function createClusteredDataPlane(options: ClusteredDataPlaneOptions): ClusteredDataPlane {
  if (!cluster.isPrimary) throw new Error('createClusteredDataPlane runs in the primary process only');
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new Error(`workers must be an integer >= 1, got ${options.workers}`);
  const policy: RestartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.restart };
  const queryTimeoutMs = options.queryTimeoutMs ?? 5_000;
  const applyTimeoutMs = options.applyTimeoutMs ?? 60_000;
  const logger = options.logger ?? SILENT_LOGGER;
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const settings: WorkerSettings = { drainMs, accessLogDir: options.accessLogDir, logLevel: options.logLevel ?? 'info' };

  // Let the kernel spread connections over the workers' accept() calls unless the operator chose
  // a policy (NODE_CLUSTER_SCHED_POLICY=rr|none); it must be set before the first fork.
  if (process.env.NODE_CLUSTER_SCHED_POLICY === undefined) cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({
    exec: options.workerEntry ?? defaultWorkerEntry(),
    // tsx's --import must reach the workers; a test runner's own flags must not.
    execArgv: [...process.execArgv.filter((arg) => !arg.startsWith('--test')), ...WORKER_V8_FLAGS],
  });

  let latest: Snapshot | undefined;
  let closing = false;
  const memberHealth: Record<string, string> = {};
  const retired: Record<string, ListenerStats> = {};
  const slots: Slot[] = [];
  const deltas = new DeltaEncoder();
  let udpOwners: UdpOwners = {};
  const firstStarts: Promise<void>[] = [];

  const startedChannels = (): { slot: Slot; channel: WorkerChannel }[] =>
    slots.flatMap((slot) => (slot.started && slot.channel?.alive ? [{ slot, channel: slot.channel }] : []));

  const readyChannels = (): { slot: Slot; channel: WorkerChannel }[] =>
    startedChannels().filter(({ slot }) => slot.ready);

  const fork = (slot: Slot, onFirstStart?: () => void): void => {
    const worker = cluster.fork({
      [WORKER_ENV.slot]: String(slot.index),
      [WORKER_ENV.probes]: slot.index === 0 ? '1' : '0',
      [WORKER_ENV.settings]: JSON.stringify(settings),
      [WORKER_ENV.ticketKeys]: processTicketKeys().exportForWorker(),
    });
    const channel = new WorkerChannel(worker, {
      started: () => {
        slot.started = true;
        reassignUdp();
        void startWorker(slot, channel).finally(onFirstStart);
      },
      memberHealth: (states) => relayHealth(slot, states),
      sticky: (bindings) => {
        for (const other of startedChannels()) if (other.slot !== slot) other.channel.send({ kind: 'elbow:sticky', bindings });
      },
    });
    slot.channel = channel;
    slot.started = false;
    slot.ready = false;
    slot.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('error', (error: Error) => logger.warn({ slot: slot.index, pid: channel.pid, error: error.message }, 'data plane worker IPC error'));
    worker.once('exit', (code: number | null, signal: string | null) => {
      onFirstStart?.();
      onExit(slot, channel, worker, code, signal);
    });
  };

  /** A new worker gets the latest snapshot, then the current member health, then counts as ready. */
  const startWorker = async (slot: Slot, channel: WorkerChannel): Promise<void> => {
    try {
      if (latest) await applyOrKill(slot, channel, latest);
      if (slot.index !== 0) channel.send({ kind: 'elbow:member-health', states: { ...memberHealth } });
      if (slot.channel === channel) slot.ready = true;
      logger.info({ slot: slot.index, pid: channel.pid, revision: latest?.revision ?? null }, 'data plane worker ready');
    } catch (error) {
      if (!(error instanceof WorkerGoneError)) logger.error({ slot: slot.index, pid: channel.pid, error: String(error) }, 'data plane worker failed to apply the latest snapshot');
    }
  };

  /** A hung worker serves nobody well: it is killed, and its replacement gets the latest snapshot. */
  const applyOrKill = async (slot: Slot, channel: WorkerChannel, snapshot: Snapshot): Promise<ApplyReport> => {
    try {
      return await channel.apply(snapshot, deltas, udpOwners, applyTimeoutMs);
    } catch (error) {
      if (!(error instanceof WorkerTimeoutError)) throw error;
      logger.error({ slot: slot.index, pid: channel.pid, revision: snapshot.revision, timeout_ms: applyTimeoutMs }, 'data plane worker hung applying a snapshot; killing it');
      channel.worker.process.kill('SIGKILL');
      throw new WorkerGoneError(channel.pid);
    }
  };

  const liveSlots = (): Set<number> => new Set(startedChannels().map(({ slot }) => slot.index));

  /** UDP listeners move to a live worker when theirs exits, and back when it returns. */
  const reassignUdp = (): void => {
    if (!latest || closing) return;
    const next = assignUdpOwners(latest, slots.length, liveSlots());
    if (sameOwners(next, udpOwners)) return;
    udpOwners = next;
    for (const { slot, channel } of startedChannels()) {
      channel.assign(next).catch((error: unknown) => {
        if (!(error instanceof WorkerGoneError)) logger.error({ slot: slot.index, pid: channel.pid, error: String(error) }, 'data plane worker failed to take new UDP listener owners');
      });
    }
  };

  const relayHealth = (from: Slot, states: MemberHealth): void => {
    if (from.index !== 0) return;
    Object.assign(memberHealth, states);
    for (const slot of slots) {
      if (slot.index !== 0 && slot.started) slot.channel?.send({ kind: 'elbow:member-health', states });
    }
  };

  const onExit = (slot: Slot, channel: WorkerChannel, worker: Worker, code: number | null, signal: string | null): void => {
    if (slot.channel !== channel) return;
    slot.channel = undefined;
    slot.started = false;
    slot.ready = false;
    reassignUdp();
    if (slot.lastStatus) {
      for (const [id, stats] of Object.entries(slot.lastStatus.listeners)) addListenerStats(retired, { [id]: retiredStats(stats) });
      slot.lastStatus = undefined;
    }
    if (closing) return;
    const next = nextRestart(policy, slot.crashes, Date.now() - channel.startedAt);
    slot.crashes = next.crashes;
    logger.warn({ slot: slot.index, pid: worker.process.pid, code, signal, restart_in_ms: next.delayMs }, 'data plane worker exited; restarting');
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (closing) return;
      slot.restarts++;
      fork(slot);
    }, next.delayMs);
  };

  for (let index = 0; index < options.workers; index++) {
    const slot: Slot = {
      index, channel: undefined, started: false, ready: false, restarts: 0, crashes: 0,
      restartTimer: undefined, lastStatus: undefined, exited: Promise.resolve(),
    };
    slots.push(slot);
    firstStarts.push(new Promise<void>((resolve) => fork(slot, resolve)));
  }
  // The first apply waits for every worker's first start (or failure to start).
  const allStartedOnce = Promise.all(firstStarts);

  /** Asks every ready worker; those that exit or time out meanwhile are left out. */
  const queryReady = async <T>(ask: (channel: WorkerChannel) => Promise<T>): Promise<{ slot: Slot; value: T }[]> => {
    const asked = readyChannels();
    const results = await Promise.allSettled(asked.map(({ channel }) => ask(channel)));
    return results.flatMap((result, i) => {
      const slot = asked[i]?.slot;
      return result.status === 'fulfilled' && slot ? [{ slot, value: result.value }] : [];
    });
  };

  const collectStatuses = async (): Promise<{ slot: Slot; value: LiveStatus }[]> => {
    const answers = await queryReady((channel) => channel.request({ op: 'status' }, queryTimeoutMs));
    for (const { slot, value } of answers) slot.lastStatus = value;
    return answers;
  };

  return {
    async apply(snapshot: Snapshot): Promise<ApplyReport> {
      if (closing) throw new Error('the data plane is closing');
      await allStartedOnce;
      latest = snapshot;
      pruneToSnapshot(snapshot, memberHealth, retired);
      const targets = startedChannels();
      if (targets.length === 0) throw new Error('no data plane worker is running; they will apply this revision when they start');
      udpOwners = assignUdpOwners(snapshot, slots.length, liveSlots());
      const results = await Promise.allSettled(targets.map(({ slot, channel }) => applyOrKill(slot, channel, snapshot)));
      const reports: ApplyReport[] = [];
      for (const result of results) {
        if (result.status === 'fulfilled') reports.push(result.value);
        else if (!(result.reason instanceof WorkerGoneError)) throw result.reason;
      }
      return mergeApplyReports(snapshot.revision, reports);
    },

    async status(): Promise<LiveStatus> {
      const answers = await collectStatuses();
      const prober = answers.find(({ slot }) => slot.index === 0)?.value;
      return mergeLiveStatus(answers.map(({ value }) => value), prober, retired);
    },

    async metrics(): Promise<string> {
      const answers = await queryReady((channel) => channel.request({ op: 'metrics' }, queryTimeoutMs));
      // The probing worker first, so that health families come from it.
      answers.sort((a, b) => a.slot.index - b.slot.index);
      const merged = mergePrometheusText(answers.map(({ value }) => value), { notSummed: isHealthFamily });
      return merged + clusterMetrics(slots);
    },

    async workers(): Promise<WorkerInfo[]> {
      const answers = await collectStatuses();
      return slots.map((slot) => ({
        slot: slot.index,
        pid: slot.channel?.pid,
        ready: slot.ready,
        restarts: slot.restarts,
        status: answers.find((answer) => answer.slot === slot)?.value,
      }));
    },

    async close(closeDrainMs = drainMs): Promise<void> {
      closing = true;
      for (const slot of slots) clearTimeout(slot.restartTimer);
      const running = slots.flatMap((slot) => (slot.channel ? [{ slot, channel: slot.channel }] : []));
      for (const { slot, channel } of running) {
        // A worker that has not started serves nothing and cannot hear the request yet.
        if (slot.started) channel.request({ op: 'close', drainMs: closeDrainMs }).catch(() => undefined);
        else channel.worker.process.kill('SIGKILL');
      }
      const exited = Promise.all(running.map(({ slot }) => slot.exited));
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), closeDrainMs + EXIT_GRACE_MS); });
      if (await Promise.race([exited, bound]) === 'late') {
        for (const { channel } of running) if (!channel.worker.isDead()) channel.worker.process.kill('SIGKILL');
        await exited;
      }
      clearTimeout(timer);
    },
  };
}

function defaultWorkerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), `worker${extname(here)}`);
}

/** Health of removed members and counters of removed listeners are forgotten. */
function pruneToSnapshot(snapshot: Snapshot, memberHealth: Record<string, string>, retired: Record<string, ListenerStats>): void {
  pruneMemberHealth(memberHealth, snapshot);
  const listeners = new Set(snapshot.listeners.map((listener) => listener.id));
  for (const id of Object.keys(retired)) if (!listeners.has(id)) delete retired[id];
}

function clusterMetrics(slots: readonly Slot[]): string {
  const ready = slots.filter((slot) => slot.ready).length;
  const restarts = slots.reduce((sum, slot) => sum + slot.restarts, 0);
  return [
    '# HELP elbow_dataplane_workers Data plane worker processes by state.',
    '# TYPE elbow_dataplane_workers gauge',
    `elbow_dataplane_workers{state="ready"} ${ready}`,
    `elbow_dataplane_workers{state="not_ready"} ${slots.length - ready}`,
    '# HELP elbow_dataplane_worker_restarts_total Data plane workers restarted after they exited.',
    '# TYPE elbow_dataplane_worker_restarts_total counter',
    `elbow_dataplane_worker_restarts_total ${restarts}`,
    '',
  ].join('\n');
}
