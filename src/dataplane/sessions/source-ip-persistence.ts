// SOURCE_IP session persistence: client address → member id with an expiry, refreshed on use.
// A Map keeps insertion order, so re-inserting on use makes it an LRU and the bound evicts the
// least recently used client. Shared between worker processes through sticky-sync.ts.

import { networkOf, parseNetmask } from '../../model/cidr.js';
import { registerStickyTable, stickyBound, type StickyTable } from './sticky-sync.js';

/** Octavia's default persistence_timeout for SOURCE_IP when none is given (seconds). */
export const DEFAULT_PERSISTENCE_TIMEOUT_SECONDS = 360;

/** At most this many clients are remembered per pool. */
export const PERSISTENCE_TABLE_SIZE = 100_000;

export class SourceIpPersistence implements StickyTable {
  private readonly entries = new Map<string, { memberId: string; expiresAt: number }>();
  /** Client address → the key it is remembered by (its network under persistence_granularity). */
  private readonly keyOf: (address: string) => string;

  constructor(
    private readonly timeoutMs: number,
    private readonly maxEntries = PERSISTENCE_TABLE_SIZE,
    /** Sticky-sync id; undefined: not shared. */
    private readonly syncId?: string,
    /** persistence_granularity: a netmask; clients of one network share their member. */
    granularity: string | null = null,
  ) {
    if (syncId !== undefined) registerStickyTable(syncId, this);
    const mask = granularity === null ? null : parseNetmask(granularity);
    this.keyOf = mask === null ? (address) => address : (address) => networkOf(address, mask.family, mask.prefix);
  }

  /** The member remembered for this client (or its network), if the binding has not expired. */
  lookup(client: string, now = Date.now()): string | undefined {
    const address = this.keyOf(client);
    const entry = this.entries.get(address);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(address);
      return undefined;
    }
    return entry.memberId;
  }

  remember(client: string, memberId: string, now = Date.now()): void {
    const address = this.keyOf(client);
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
