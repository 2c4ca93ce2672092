// The data plane: applies snapshots as generations and reports live status and metrics.
// apply() diffs the new snapshot against the running listeners (reconcile.ts), brings live
// member/pool state in line, opens new listeners first (a bind failure is reported per listener
// and the rest goes on), swaps the handlers of kept ones, then closes removed ones, which drain
// in the background within drainMs. Applies run one at a time in call order; a snapshot older
// than the running revision is ignored.

import type { ApplyReport, LiveStatus, Snapshot, SnapshotApplier, SnapshotListener } from '../snapshot/snapshot.js';
import { checkSnapshot } from '../snapshot/check-snapshot.js';
import type { ListenerContext, ListenerRegistry, ListenerRuntime } from './listener-runtime.js';
import { LISTENERS } from './listeners/registry.js';
import { reconcile } from './reconcile.js';
import { MemberTable } from './health/member-table.js';
import { HealthChecks } from './health/health-checks.js';
import { PoolState } from './pool-state.js';
import { ListenerStatsCounter } from './observe/listener-stats.js';
import { DataPlaneMetrics } from './observe/metrics.js';
import { AccessLog } from './observe/access-log.js';
import { SILENT_LOGGER } from './observe/logger.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { DataPlaneLogger } from './observe/logger.js';

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
}

export type DataPlane = SnapshotApplier & {
  /** Stops every listener (open connections may finish within drainMs) and every health check. */
  close(drainMs?: number): Promise<void>;
  /** Member health decided elsewhere (the probing worker): member id → ONLINE | ERROR; unknown ids are ignored. */
  setMemberHealth(states: Readonly<Record<string, string>>): void;
};

interface Running {
  config: SnapshotListener;
  runtime: ListenerRuntime;
}

export function createDataPlane(options: DataPlaneOptions = {}): DataPlane {
  const registry: ListenerRegistry = { ...LISTENERS, ...options.registry };
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const logger = options.logger ?? SILENT_LOGGER;
  const members = new MemberTable();
  const onMemberHealth = options.onMemberHealth;
  const health = new HealthChecks(logger, options.healthChecks ?? true, (member) => onMemberHealth?.({ [member.id]: member.healthy ? 'ONLINE' : 'ERROR' }));
  const pools = new Map<string, PoolState>();
  const running = new Map<string, Running>();
  const errors = new Map<string, string>();
  const stats = new Map<string, ListenerStatsCounter>();
  const draining = new Set<Promise<void>>();
  const accessLog = new AccessLog(options.accessLogDir, logger);
  const metrics = new DataPlaneMetrics({ listeners: () => stats.entries(), members: () => members.all() });
  let revision = 0;
  /** The pools of the snapshot running now (reconcile leaves listeners alone whose pools are the same). */
  let runningPools: Snapshot['pools'] = {};
  const queue = new SerialQueue();
  let closed = false;

  const report = (): ApplyReport => ({ revision, listenerErrors: Object.fromEntries(errors) });

  function statsFor(listener: SnapshotListener): ListenerStatsCounter {
    let counter = stats.get(listener.id);
    if (!counter) {
      counter = new ListenerStatsCounter(listener.loadBalancerId, (_code, ms) => metrics.observeResponse(listener.id, ms));
      stats.set(listener.id, counter);
    }
    counter.loadBalancerId = listener.loadBalancerId;
    return counter;
  }

  function contextFor(listener: SnapshotListener): ListenerContext {
    return {
      // The current pools, not those of the apply that last updated this listener: a listener
      // whose configuration did not change is not updated (reconcile.ts) and must not keep an
      // old generation alive nor miss a pool's new state.
      pool: (poolId) => pools.get(poolId),
      stats: statsFor(listener),
      accessLog: (entry) => accessLog.write(entry),
      log: (level, message, fields = {}) => logger[level]({ listener: listener.id, ...fields }, message),
    };
  }

  function syncPools(snapshot: Snapshot): void {
    members.sync(Object.values(snapshot.pools), drainMs);
    const generation = new Map<string, PoolState>();
    for (const [id, config] of Object.entries(snapshot.pools)) {
      const states = config.members.map((m) => members.get(m.id)).filter((m) => m !== undefined);
      const pool = pools.get(id);
      if (pool) pool.update(config, states);
      generation.set(id, pool ?? new PoolState(config, states, { startOffset: options.workerIndex ?? 0 }));
    }
    pools.clear();
    for (const [id, pool] of generation) pools.set(id, pool);
    health.sync(Object.values(snapshot.pools), members);
  }

  function closeInBackground(id: string): void {
    const entry = running.get(id);
    if (!entry) return;
    running.delete(id);
    const done = entry.runtime.close(drainMs).catch((error: Error) => logger.error({ listener: id, error: error.message }, 'listener close failed'));
    draining.add(done);
    void done.finally(() => draining.delete(done));
  }

  async function open(listener: SnapshotListener): Promise<void> {
    try {
      const runtime = registry[listener.protocol](listener, contextFor(listener));
      await runtime.start();
      running.set(listener.id, { config: listener, runtime });
      errors.delete(listener.id);
      logger.info({ listener: listener.id, protocol: listener.protocol, address: `${listener.address}:${listener.port}` }, 'listener started');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      errors.set(listener.id, reason);
      logger.error({ listener: listener.id, error: reason }, 'listener could not start');
    }
  }

  async function applyNow(snapshot: Snapshot): Promise<ApplyReport> {
    if (closed) throw new Error('data plane is closed');
    if (snapshot.revision < revision) return report();
    const problems = checkSnapshot(snapshot);
    if (problems.length > 0) throw new Error(`inconsistent snapshot (revision ${snapshot.revision}): ${problems.join('; ')}`);
    syncPools(snapshot);
    const plan = reconcile(new Map([...running].map(([id, entry]) => [id, entry.config])), snapshot, runningPools);
    runningPools = snapshot.pools;
    for (const id of plan.closeFirst) closeInBackground(id);
    await Promise.all(plan.open.map((listener) => open(listener)));
    for (const listener of plan.update) {
      const entry = running.get(listener.id);
      if (!entry) continue;
      try {
        entry.runtime.update(listener, contextFor(listener));
        entry.config = listener;
        errors.delete(listener.id);
      } catch (error) {
        // The listener keeps serving its previous configuration; the reason is reported.
        const reason = error instanceof Error ? error.message : String(error);
        errors.set(listener.id, reason);
        logger.error({ listener: listener.id, error: reason }, 'listener could not take the new configuration');
      }
    }
    for (const id of plan.close) closeInBackground(id);
    // Errors and stats of listeners that are gone or disabled go with them.
    const wanted = new Set(snapshot.listeners.filter((l) => l.enabled).map((l) => l.id));
    for (const id of errors.keys()) if (!wanted.has(id)) errors.delete(id);
    const known = new Set(snapshot.listeners.map((l) => l.id));
    for (const id of stats.keys()) {
      if (known.has(id)) continue;
      stats.delete(id);
      metrics.forgetListener(id);
    }
    revision = snapshot.revision;
    return report();
  }

  return {
    apply: (snapshot) => queue.run(() => applyNow(snapshot)),
    status: async (): Promise<LiveStatus> => ({
      revision,
      members: members.statuses(),
      listeners: Object.fromEntries([...stats].map(([id, counter]) => [id, { ...counter.stats }])),
      listenerErrors: Object.fromEntries(errors),
    }),
    metrics: () => metrics.text(),
    setMemberHealth: (states) => health.setHealth(states, members),
    close: (closeDrainMs = drainMs) =>
      queue.run(async () => {
        if (closed) return;
        closed = true;
        const closing = [...running.values()].map((entry) => entry.runtime.close(closeDrainMs));
        running.clear();
        health.stop();
        await Promise.allSettled([...closing, ...draining]);
        members.close();
        await accessLog.close();
      }),
  };
}
