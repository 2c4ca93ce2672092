// The node's pulse: every interval it catches up with the store (a missed notification, or the
// store coming back after an outage, costs at most one interval), then records a heartbeat with
// its applied revision and health. Readers take a node as down after MISSED_HEARTBEATS_DOWN
// silent intervals (store/node-registry.ts). Store trouble is logged once per outage, not per beat.

import type { FastifyBaseLogger } from 'fastify';
import { ElbowError } from '../../errors.js';
import type { ApplyReport } from '../../snapshot/snapshot.js';
import { NodeNameTaken, type NodeRegistry, type NodeReport } from '../../store/node-registry.js';
import { isStoreUnreachable } from '../../store/postgres/unavailable.js';
import type { NodeHealth } from './node-health.js';

export interface NodeIdentity {
  readonly name: string;
  readonly nodeId: string;
  readonly zone: string | null;
  readonly version: string;
}

export interface NodeHeartbeatOptions {
  readonly registry: NodeRegistry;
  readonly identity: NodeIdentity;
  readonly apiUrl: string | null;
  readonly intervalMs: number;
  readonly health: NodeHealth;
  /** Brings the data plane up to the store's revision (the snapshot publisher). */
  readonly catchUp: () => Promise<ApplyReport>;
  /** The revision the data plane runs; null before the first apply. */
  readonly appliedRevision: () => number | null;
  /** Extra facts for the node view (VRRP states, …). */
  readonly details?: () => Record<string, unknown>;
  readonly logger: FastifyBaseLogger;
}

/** How long the last heartbeat ('stopped') may take at shutdown. */
const LAST_BEAT_BOUND_MS = 2000;

export class NodeHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private stopped = false;
  private lastProblem: string | undefined;

  constructor(private readonly options: NodeHeartbeatOptions) {}

  /** Claims the node's name (NodeNameTaken when a live node holds it) and starts beating. */
  async start(): Promise<void> {
    const health = await this.options.health.report();
    await this.options.registry.register(this.report(health.status, health.reasons));
    this.schedule();
  }

  /** Stops beating and records that the node stopped, so it shows as down at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.options.registry.heartbeat(this.report('stopped', [])).catch(() => false),
      new Promise((resolve) => (timer = setTimeout(resolve, LAST_BEAT_BOUND_MS))),
    ]);
    clearTimeout(timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.beating = this.beat().finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const { registry, health, logger } = this.options;
    try {
      await this.options.catchUp();
      this.reachable();
    } catch (error) {
      this.failed('could not catch up with the store', error);
    }
    const verdict = await health.report();
    try {
      const ours = await registry.heartbeat(this.report(verdict.status, verdict.reasons));
      this.reachable();
      if (!ours) {
        // Removed by an operator while alive, or claimed while this node was taken as down.
        await registry.register(this.report(verdict.status, verdict.reasons));
        logger.warn({ node: this.options.identity.name }, 'this node was missing from the node registry; registered again');
      }
    } catch (error) {
      if (error instanceof NodeNameTaken) this.problem(error.message, () => logger.error({ node: this.options.identity.name }, error.message));
      else this.failed('could not record a heartbeat', error);
    }
  }

  private report(health: NodeReport['health'], reasons: readonly string[]): NodeReport {
    const { identity } = this.options;
    return {
      name: identity.name,
      nodeId: identity.nodeId,
      availabilityZone: identity.zone,
      apiUrl: this.options.apiUrl,
      version: identity.version,
      appliedRevision: this.options.appliedRevision(),
      health,
      healthDetail: reasons.length > 0 ? reasons.join('; ') : null,
      heartbeatIntervalMs: this.options.intervalMs,
      details: this.options.details?.() ?? {},
    };
  }

  private reachable(): void {
    if (this.options.health.storeReachable()) {
      this.options.logger.info({ revision: this.options.appliedRevision() }, 'the store is reachable again; caught up with it');
      this.lastProblem = undefined;
    }
  }

  private failed(what: string, error: unknown): void {
    // STORE_UNAVAILABLE's own detail ("PostgreSQL: connect ECONNREFUSED …"), not its whole sentence.
    const detail = error instanceof ElbowError && typeof error.params.detail === 'string' ? error.params.detail : error instanceof Error ? error.message : String(error);
    if (isStoreUnreachable(error)) {
      if (this.options.health.storeUnreachable(detail)) {
        this.options.logger.error({ revision: this.options.appliedRevision(), detail }, 'the store is unreachable: serving the last applied configuration, refusing changes (503) until it is back');
      }
      return;
    }
    this.problem(`${what}: ${detail}`, () => this.options.logger.error({ err: error }, what));
  }

  /** Logs a problem once until a different one (or none) happens. */
  private problem(key: string, log: () => void): void {
    if (this.lastProblem === key) return;
    this.lastProblem = key;
    log();
  }
}
