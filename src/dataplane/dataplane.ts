// The data plane: applies snapshots as generations and reports counters and metrics.
// apply() brings live member/pool state in line (pool-set.ts), diffs the new snapshot against the
// running listeners (reconcile.ts) and carries the plan out (running-listeners.ts: new listeners
// open first, kept ones swap handlers, removed ones drain in the background within drainMs).
// Each apply's outcome and each member health verdict are pushed into the runtime view when one
// is given (snapshot/runtime-view.ts). Counters live in observe/listener-counters.ts. Applies run one at a time in call order; a
// snapshot older than the running revision is ignored.

import type { ApplyReport, DataPlaneStats, Snapshot, SnapshotApplier, SnapshotListener } from '../snapshot/snapshot.js';
import { checkSnapshot } from '../snapshot/check-snapshot.js';
import type { MemberStatuses, RuntimeReporter } from '../snapshot/runtime-view.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { ListenerContext, ListenerRegistry } from './listener-runtime.js';
import { LISTENERS } from './listeners/registry.js';
import { AccessLog } from '../logging/access-log.js';
import { ListenerCounters } from './observe/listener-counters.js';
import { SILENT_LOGGER, type DataPlaneLogger } from './observe/logger.js';
import { PoolSet } from './pool-set.js';
import { reconcile } from './reconcile.js';
import { RunningListeners } from './running-listeners.js';

/** How long removed listeners and members may keep open connections by default. */
export const DEFAULT_DRAIN_MS = 10_000;

export interface DataPlaneOptions {
  /** Listener factories replacing the built-in ones (tests, or protocols not built in). */
  registry?: Partial<ListenerRegistry>;
  /** Drain bound for removed listeners and members; default DEFAULT_DRAIN_MS. */
  drainMs?: number;
  /** pino-shaped logger; default silent. */
  logger?: DataPlaneLogger;
  /** Where listeners with access_log on write <listener id>.log; default: the logger. */
  accessLogDir?: string;
  /** Run health probes (default true). Off in every data plane worker but the probing one. */
  healthChecks?: boolean;
  /** The probes decided members' health: member id → ONLINE | ERROR (for other workers to mirror). */
  onMemberHealth?: (states: Readonly<Record<string, string>>) => void;
  /** This data plane's index among the workers of one node (default 0): where round robin starts. */
  workerIndex?: number;
  /** Where applies' outcomes and member status changes are reported (the runtime view the API reads). */
  runtime?: RuntimeReporter;
}

export type DataPlane = SnapshotApplier & {
  /** Stops every listener (open connections may finish within drainMs) and every health check. */
  close(drainMs?: number): Promise<void>;
  /** Member health decided elsewhere (the probing worker): member id → ONLINE | ERROR; unknown ids are ignored. */
  setMemberHealth(states: Readonly<Record<string, string>>): void;
  /**
   * This data plane's own member statuses. The API reads statuses from the runtime view; this is
   * for a worker's view of its members (a mirror shows it follows the probing worker).
   */
  memberStatuses(): MemberStatuses;
};

export function createDataPlane(options: DataPlaneOptions = {}): DataPlane {
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const logger = options.logger ?? SILENT_LOGGER;
  const { onMemberHealth, runtime } = options;
  const pools = new PoolSet({
    logger,
    drainMs,
    probes: options.healthChecks ?? true,
    onDecided: (member) => {
      onMemberHealth?.({ [member.id]: member.healthy ? 'ONLINE' : 'ERROR' });
      runtime?.members(revision, { [member.id]: member.operatingStatus });
    },
    startOffset: options.workerIndex ?? 0,
  });
  const counters = new ListenerCounters(pools.members);
  const accessLog = new AccessLog(options.accessLogDir, logger);
  const contextFor = (listener: SnapshotListener): ListenerContext => ({
    // The current pools, not those of the apply that last updated this listener: a listener
    // whose configuration did not change is not updated (reconcile.ts) and must not keep an
    // old generation alive nor miss a pool's new state.
    pool: (poolId) => pools.get(poolId),
    stats: counters.of(listener),
    accessLog: (entry) => accessLog.write(entry),
    log: (level, message, fields = {}) => logger[level]({ listener: listener.id, ...fields }, message),
  });
  const listeners = new RunningListeners({ ...LISTENERS, ...options.registry }, drainMs, logger, contextFor);
  const queue = new SerialQueue();
  let revision = 0;
  /** The pools of the snapshot running now (reconcile leaves listeners alone whose pools are the same). */
  let runningPools: Snapshot['pools'] = {};
  let closed = false;

  const report = (): ApplyReport => ({ revision, listenerErrors: Object.fromEntries(listeners.errors) });

  async function applyNow(snapshot: Snapshot): Promise<ApplyReport> {
    if (closed) throw new Error('data plane is closed');
    if (snapshot.revision < revision) return report();
    const problems = checkSnapshot(snapshot);
    if (problems.length > 0) throw new Error(`inconsistent snapshot (revision ${snapshot.revision}): ${problems.join('; ')}`);
    pools.sync(snapshot);
    const plan = reconcile(listeners.configs(), snapshot, runningPools);
    runningPools = snapshot.pools;
    await listeners.carryOut(plan);
    listeners.forgetErrors(snapshot);
    counters.forgetRemoved(snapshot);
    revision = snapshot.revision;
    const done = report();
    runtime?.applied({ ...done, members: pools.members.statuses() });
    return done;
  }

  return {
    apply: (snapshot) => queue.run(() => applyNow(snapshot)),
    stats: async (): Promise<DataPlaneStats> => ({ revision, listeners: counters.all() }),
    metrics: () => counters.metrics.text(),
    setMemberHealth: (states) => pools.setHealth(states),
    memberStatuses: () => pools.members.statuses(),
    close: (closeDrainMs = drainMs) =>
      queue.run(async () => {
        if (closed) return;
        closed = true;
        const closing = listeners.close(closeDrainMs);
        pools.stopProbes();
        await closing;
        pools.close();
        await accessLog.close();
      }),
  };
}
