// SOURCE_IP session persistence: client address → member id with an expiry, refreshed on use.
// A Map keeps insertion order, so re-inserting on use makes it an LRU and the bound evicts the
// least recently used client. Shared between worker processes through sticky-sync.ts.

import { registerStickyTable, stickyBound, type StickyTable } from './sticky-sync.js';

/** Octavia's default persistence_timeout for SOURCE_IP when none is given (seconds). */
export const DEFAULT_PERSISTENCE_TIMEOUT_SECONDS = 360;

/** At most this many clients are remembered per pool. */
export const PERSISTENCE_TABLE_SIZE = 100_000;

export class SourceIpPersistence implements StickyTable {
  private readonly entries = new Map<string, { memberId: string; expiresAt: number }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly maxEntries = PERSISTENCE_TABLE_SIZE,
    /** Sticky-sync id; undefined: not shared. */
    private readonly syncId?: string,
  ) {
    if (syncId !== undefined) registerStickyTable(syncId, this);
  }

  /** The member remembered for this client, if the binding has not expired. */
  lookup(address: string, now = Date.now()): string | undefined {
    const entry = this.entries.get(address);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(address);
      return undefined;
    }
    return entry.memberId;
  }

  remember(address: string, memberId: string, now = Date.now()): void {
    if (this.syncId !== undefined && this.entries.get(address)?.memberId !== memberId) stickyBound(this.syncId, address, memberId);
    this.learn(address, memberId, now);
  }

  learn(address: string, memberId: string, now = Date.now()): void {
    this.entries.delete(address);
    this.entries.set(address, { memberId, expiresAt: now + this.timeoutMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
