// One probe loop per monitored, enabled member, kept across re-applies: a member whose pool keeps
// its monitor keeps its loop and its health; a pool that loses its monitor makes its members
// NO_MONITOR; admin-down members are not probed (they are OFFLINE whatever they answer).
// With probing off (every data plane worker but one), members keep the health they are told
// (setHealth) and the probing worker's decisions reach them through `onDecided`.

import type { SnapshotPool } from '../../snapshot/snapshot.js';
import type { DataPlaneLogger } from '../observe/logger.js';
import type { MemberState } from './member-state.js';
import type { MemberTable } from './member-table.js';
import { ProbeLoop } from './probe-loop.js';

export class HealthChecks {
  private readonly loops = new Map<string, ProbeLoop>();

  constructor(
    private readonly logger: DataPlaneLogger,
    private readonly probing: boolean,
    private readonly onDecided: (member: MemberState) => void,
  ) {}

  sync(pools: Iterable<SnapshotPool>, members: MemberTable): void {
    const probed = new Set<string>();
    for (const pool of pools) {
      for (const config of pool.members) {
        const state = members.get(config.id);
        if (!state) continue;
        state.monitored = pool.healthMonitor !== null;
        if (!pool.healthMonitor || !config.enabled || !this.probing) continue;
        probed.add(config.id);
        const loop = this.loops.get(config.id);
        if (loop) loop.update(pool.healthMonitor);
        else this.loops.set(config.id, new ProbeLoop(state, pool.healthMonitor, this.logger, this.onDecided));
      }
    }
    for (const [id, loop] of this.loops) {
      if (probed.has(id)) continue;
      loop.stop();
      this.loops.delete(id);
    }
  }

  /** Health decided by another worker's probes: member id → ONLINE | ERROR (others ignored). */
  setHealth(states: Readonly<Record<string, string>>, members: MemberTable): void {
    for (const [id, status] of Object.entries(states)) {
      const state = members.get(id);
      if (state && (status === 'ONLINE' || status === 'ERROR')) state.setHealthy(status === 'ONLINE');
    }
  }

  stop(): void {
    for (const loop of this.loops.values()) loop.stop();
    this.loops.clear();
  }
}
