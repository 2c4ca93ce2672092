// `elbow serve --workers N`: the data plane in N worker processes (node:cluster) sharing every
// listening socket. The primary (which keeps the API and the store) runs five parts, wired here:
// the supervisor keeps the workers running (worker-supervisor.ts), the fanout sends each snapshot
// to every worker and the latest to one that restarts (snapshot-fanout.ts), the relay passes
// member health and sticky bindings between workers (worker-relay.ts), the cluster status
// merges their counters and metrics into one truth (cluster-status.ts), and the cluster runtime
// reports applies and health verdicts into the runtime view (cluster-runtime.ts).
//
// Listening sockets are opened once by the primary and shared (SCHED_NONE: the kernel spreads
// accepts); a UDP listener is bound by one worker only (udp-ownership.ts). Why, and how sticky
// bindings, health and least connections work across workers: docs/design/worker-relay.md.

import cluster from 'node:cluster';
import type { ApplyReport, DataPlaneStats, Snapshot, SnapshotApplier } from '../../snapshot/snapshot.js';
import { DEFAULT_DRAIN_MS } from '../dataplane.js';
import { SILENT_LOGGER, type DataPlaneLogger } from '../observe/logger.js';
import type { RuntimeReporter } from '../../snapshot/runtime-view.js';
import { ClusterRuntime } from './cluster-runtime.js';
import { ClusterStatus, type WorkerInfo } from './cluster-status.js';
import type { WorkerSettings } from './messages.js';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-backoff.js';
import { SnapshotFanout } from './snapshot-fanout.js';
import { WorkerRelay } from './worker-relay.js';
import { WorkerSupervisor } from './worker-supervisor.js';

export type { WorkerInfo } from './cluster-status.js';

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
  /** Longest wait for one worker's stats or metrics; a slower worker is left out. Default 5 s. */
  readonly queryTimeoutMs?: number;
  /** A worker that takes longer to apply a snapshot is taken as hung: killed and restarted. Default 60 s. */
  readonly applyTimeoutMs?: number;
  /** Where applies' outcomes and member status changes are reported (the runtime view the API reads). */
  readonly runtime?: RuntimeReporter;
}

export interface ClusteredDataPlane extends SnapshotApplier {
  /** Workers stop accepting, drain open connections within drainMs, and exit; killed after a bound. */
  close(drainMs?: number): Promise<void>;
  /** One entry per worker slot, for operators and tests. */
  workers(): Promise<WorkerInfo[]>;
}

export function createClusteredDataPlane(options: ClusteredDataPlaneOptions): ClusteredDataPlane {
  if (!cluster.isPrimary) throw new Error('createClusteredDataPlane runs in the primary process only');
  if (!Number.isInteger(options.workers) || options.workers < 1) throw new Error(`workers must be an integer >= 1, got ${options.workers}`);
  const logger = options.logger ?? SILENT_LOGGER;
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const settings: WorkerSettings = { drainMs, accessLogDir: options.accessLogDir, logLevel: options.logLevel ?? 'info' };
  const restart: RestartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.restart };

  // The parts refer to each other only through the supervisor's events, which start with start().
  const supervisor: WorkerSupervisor = new WorkerSupervisor(
    { workers: options.workers, settings, restart, logger, workerEntry: options.workerEntry },
    {
      started: async (worker) => {
        if (!supervisor.isClosing) void fanout.reassignUdp().then(reportWorkersChanged);
        const upToDate = await fanout.catchUp(worker);
        if (upToDate) {
          relay.catchUp(worker);
          logger.info({ slot: worker.slot.index, pid: worker.channel.pid, revision: fanout.latest?.revision ?? null }, 'data plane worker ready');
          reportWorkersChanged();
        }
        return upToDate;
      },
      memberHealth: (from, states) => {
        if (!from.probes) return;
        relay.relayHealth(from, states);
        runtime.decided(states);
      },
      sticky: (from, bindings) => relay.relaySticky(from, bindings),
      exited: (slot) => {
        fanout.forget(slot.index);
        status.retire(slot);
        if (!supervisor.isClosing) void fanout.reassignUdp().then(reportWorkersChanged);
      },
    },
  );
  const fanout = new SnapshotFanout(supervisor, options.applyTimeoutMs ?? 60_000, logger);
  const relay = new WorkerRelay(supervisor);
  const status = new ClusterStatus(supervisor, options.queryTimeoutMs ?? 5_000, (slotIndex) => fanout.reportOf(slotIndex));
  const runtime = new ClusterRuntime(options.runtime, (memberId) => relay.verdict(memberId));
  /**
   * A worker came or went, and UDP listeners may have moved: the workers' reports on the snapshot
   * they run go to the runtime view again (the same revision replaces what it said), so a bind
   * error of a new owner shows, and one that left with the old owner goes.
   */
  const reportWorkersChanged = (): void => {
    const complete = fanout.completeReport();
    if (complete !== undefined) runtime.applied(complete.snapshot, complete.report);
  };
  supervisor.start();

  return {
    async apply(snapshot: Snapshot): Promise<ApplyReport> {
      if (supervisor.isClosing) throw new Error('the data plane is closing');
      // The first apply waits for every worker's first start (or failure to start).
      await supervisor.firstStarts;
      relay.forgetRemoved(snapshot);
      status.forgetRemoved(snapshot);
      const report = await fanout.applyToAll(snapshot);
      runtime.applied(snapshot, report);
      return report;
    },
    stats: (): Promise<DataPlaneStats> => status.stats(),
    metrics: (): Promise<string> => status.metrics(),
    workers: (): Promise<WorkerInfo[]> => status.workerInfo(),
    close: (closeDrainMs = drainMs): Promise<void> => supervisor.close(closeDrainMs),
  };
}
