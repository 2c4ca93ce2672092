// This node's health, as /healthz shows it and its heartbeat reports it:
//   ok        serving its configuration, store reachable;
//   degraded  still serving, with something wrong that moving its VIPs would not fix (the store
//             is unreachable: every node would lose it alike; some listeners could not be bound);
//   failing   its data plane does not answer: /healthz answers 503, so keepalived's check gives
//             up this node's VIPs and an anycast router withdraws its route.

import type { ApplyReport, SnapshotApplier } from '../../snapshot/snapshot.js';

export type NodeStatus = 'ok' | 'degraded' | 'failing';

/** The body of GET /healthz. */
export interface HealthReport {
  readonly status: NodeStatus;
  readonly node: string;
  readonly availability_zone: string | null;
  /** The store revision the data plane runs; null before the first apply. */
  readonly applied_revision: number | null;
  readonly store: 'ok' | 'unreachable';
  readonly data_plane: 'ok' | 'failing';
  /** Why it is not ok, one line each. */
  readonly reasons: readonly string[];
}

/** Resolves null when the data plane is healthy, else why not. */
export type DataPlaneProbe = () => Promise<string | null>;

/** What an engine offers that tells whether its data plane serves (the clustered one lists its workers). */
type ProbedEngine = Pick<SnapshotApplier, 'stats'> & { workers?: () => Promise<readonly { ready: boolean; stats: unknown }[]> };

/**
 * The data plane is healthy when it answers for its counters within the bound, and, when it
 * runs in worker processes, at least one worker is ready and answers.
 */
export function probeDataPlane(engine: ProbedEngine, timeoutMs: number): DataPlaneProbe {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`the data plane did not answer within ${timeoutMs} ms`), timeoutMs);
    });
    const asked = (async (): Promise<string | null> => {
      if (engine.workers === undefined) {
        await engine.stats();
        return null;
      }
      const workers = await engine.workers();
      const serving = workers.filter((worker) => worker.ready && worker.stats !== undefined).length;
      return serving > 0 ? null : `none of the ${workers.length} data plane workers is ready`;
    })().catch((error: unknown) => `the data plane failed to answer: ${error instanceof Error ? error.message : String(error)}`);
    try {
      return await Promise.race([asked, late]);
    } finally {
      clearTimeout(timer);
    }
  };
}

export interface NodeHealthOptions {
  readonly node: string;
  readonly zone: string | null;
  /** The last apply's report; undefined before the first. */
  readonly lastApply: () => ApplyReport | undefined;
  readonly probe: DataPlaneProbe;
  /** How long one probe's verdict is reused (keepalived asks every second, so do heartbeats). Default 500 ms. */
  readonly probeCacheMs?: number;
}

export class NodeHealth {
  private storeProblem: string | null = null;
  private probed: { at: number; verdict: Promise<string | null> } | undefined;

  constructor(private readonly options: NodeHealthOptions) {}

  /** The store answered (a heartbeat, a catch-up). Returns whether it had been unreachable. */
  storeReachable(): boolean {
    const was = this.storeProblem !== null;
    this.storeProblem = null;
    return was;
  }

  /** The store could not be reached. Returns whether it had been reachable until now. */
  storeUnreachable(detail: string): boolean {
    const was = this.storeProblem === null;
    this.storeProblem = detail;
    return was;
  }

  get storeIsReachable(): boolean {
    return this.storeProblem === null;
  }

  async report(): Promise<HealthReport> {
    const now = performance.now();
    if (this.probed === undefined || now - this.probed.at > (this.options.probeCacheMs ?? 500)) this.probed = { at: now, verdict: this.options.probe() };
    const dataPlaneProblem = await this.probed.verdict;
    const last = this.options.lastApply();
    const reasons: string[] = [];
    if (dataPlaneProblem !== null) reasons.push(dataPlaneProblem);
    if (this.storeProblem !== null) reasons.push(`the store is unreachable (${this.storeProblem}): serving revision ${last?.revision ?? 'none'} until it is back`);
    const unbound = Object.keys(last?.listenerErrors ?? {}).length;
    if (unbound > 0) reasons.push(`${unbound} listener(s) could not be served (see their provisioning_status_reason)`);
    return {
      status: dataPlaneProblem !== null ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok',
      node: this.options.node,
      availability_zone: this.options.zone,
      applied_revision: last?.revision ?? null,
      store: this.storeProblem === null ? 'ok' : 'unreachable',
      data_plane: dataPlaneProblem === null ? 'ok' : 'failing',
      reasons,
    };
  }
}
