// Every member's live state by id, across generations. A re-apply replaces configurations and
// keeps health and counts; a member that moved (address, port or probe target) forgets its
// health; a removed member drains: no new connections, open ones may finish within the drain
// bound, then are destroyed and the member is forgotten.

import type { SnapshotMember, SnapshotPool } from '../../snapshot/snapshot.js';
import { MemberState } from './member-state.js';

/** Whether a member's probe target changed: its health then starts again. */
export function moved(a: SnapshotMember, b: SnapshotMember): boolean {
  return a.address !== b.address || a.port !== b.port || a.monitorAddress !== b.monitorAddress || a.monitorPort !== b.monitorPort;
}

export class MemberTable {
  private readonly members = new Map<string, MemberState>();
  private readonly draining = new Map<string, { state: MemberState; timer: NodeJS.Timeout }>();

  get(id: string): MemberState | undefined {
    return this.members.get(id);
  }

  /** Brings the table in line with the pools of a new snapshot. */
  sync(pools: Iterable<SnapshotPool>, drainMs: number): void {
    const seen = new Set<string>();
    for (const pool of pools) {
      for (const config of pool.members) {
        seen.add(config.id);
        const existing = this.members.get(config.id) ?? this.undrain(config.id);
        if (!existing) {
          this.members.set(config.id, new MemberState(config.id, config, pool.id));
          continue;
        }
        if (moved(existing.config, config)) existing.resetHealth();
        existing.config = config;
        existing.poolId = pool.id;
      }
    }
    for (const [id, state] of this.members) {
      if (seen.has(id)) continue;
      this.members.delete(id);
      state.configured = false;
      if (state.activeConnections === 0) continue;
      const timer = setTimeout(() => {
        this.draining.delete(id);
        state.retire();
      }, drainMs);
      timer.unref();
      this.draining.set(id, { state, timer });
    }
    // Drained members with nothing open are forgotten early.
    for (const [id, { state, timer }] of this.draining) {
      if (state.activeConnections > 0) continue;
      clearTimeout(timer);
      this.draining.delete(id);
    }
  }

  private undrain(id: string): MemberState | undefined {
    const entry = this.draining.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.draining.delete(id);
    entry.state.configured = true;
    this.members.set(id, entry.state);
    return entry.state;
  }

  /** Operating status of every configured member and of removed ones still draining. */
  statuses(): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [id, state] of this.members) result[id] = state.operatingStatus;
    for (const [id, { state }] of this.draining) {
      if (state.activeConnections > 0) result[id] = state.operatingStatus;
    }
    return result;
  }

  configured(): IterableIterator<MemberState> {
    return this.members.values();
  }

  /** Every member with its state, draining ones included (for metrics). */
  *all(): Generator<MemberState> {
    yield* this.members.values();
    for (const { state } of this.draining.values()) yield state;
  }

  /** Destroys whatever is still draining (the data plane is closing). */
  close(): void {
    for (const { state, timer } of this.draining.values()) {
      clearTimeout(timer);
      state.retire();
    }
    this.draining.clear();
  }
}
