// The live pools of the running snapshot: one PoolState per pool id (its balancer and SOURCE_IP
// table survive an unrelated change), the members' live state by id (MemberTable: connection
// counts and health survive re-applies; removed members drain), and the health checks probing them.

import type { Snapshot } from '../snapshot/snapshot.js';
import { HealthChecks } from './health/health-checks.js';
import type { MemberState } from './health/member-state.js';
import { MemberTable } from './health/member-table.js';
import type { DataPlaneLogger } from './observe/logger.js';
import { PoolState } from './pool-state.js';

export interface PoolSetOptions {
  readonly logger: DataPlaneLogger;
  /** Drain bound of removed members. */
  readonly drainMs: number;
  /** Run health probes here (one worker probes, the others mirror its verdicts). */
  readonly probes: boolean;
  /** A probe decided a member's health. */
  readonly onDecided: (member: MemberState) => void;
  /** Where round robin starts (this data plane's index among the workers of one node). */
  readonly startOffset: number;
}

export class PoolSet {
  readonly members = new MemberTable();
  private readonly pools = new Map<string, PoolState>();
  private readonly health: HealthChecks;

  constructor(private readonly options: PoolSetOptions) {
    this.health = new HealthChecks(options.logger, options.probes, options.onDecided);
  }

  get(poolId: string): PoolState | undefined {
    return this.pools.get(poolId);
  }

  /** Brings members, pools and probes in line with the snapshot; pools that went are dropped. */
  sync(snapshot: Snapshot): void {
    this.members.sync(Object.values(snapshot.pools), this.options.drainMs);
    const generation = new Map<string, PoolState>();
    for (const [id, config] of Object.entries(snapshot.pools)) {
      const states = config.members.map((m) => this.members.get(m.id)).filter((m) => m !== undefined);
      const pool = this.pools.get(id);
      if (pool) pool.update(config, states);
      generation.set(id, pool ?? new PoolState(config, states, { startOffset: this.options.startOffset }));
    }
    this.pools.clear();
    for (const [id, pool] of generation) this.pools.set(id, pool);
    this.health.sync(Object.values(snapshot.pools), this.members);
  }

  /** Member health decided elsewhere (the probing worker): member id → ONLINE | ERROR. */
  setHealth(states: Readonly<Record<string, string>>): void {
    this.health.setHealth(states, this.members);
  }

  stopProbes(): void {
    this.health.stop();
  }

  close(): void {
    this.members.close();
  }
}
