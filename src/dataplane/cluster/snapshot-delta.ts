// Snapshots at scale are megabytes (2,000 listeners with certificates: ~5 MB of JSON, hundreds of
// milliseconds to send and parse per worker), while one change touches one listener or pool. So a
// worker that holds the previous snapshot is sent only what changed and rebuilds the rest.

import type { Snapshot, SnapshotListener, SnapshotPool } from '../../snapshot/snapshot.js';

export interface SnapshotDelta {
  readonly revision: number;
  /** The revision of the snapshot the delta applies to. */
  readonly baseRevision: number;
  /** Every listener id in order; those absent from `listeners` are unchanged from the base. */
  readonly listenerIds: readonly string[];
  readonly listeners: readonly SnapshotListener[];
  /** Every pool id in order; those absent from `pools` are unchanged from the base. */
  readonly poolIds: readonly string[];
  readonly pools: readonly SnapshotPool[];
}

export function diffSnapshots(base: Snapshot, next: Snapshot): SnapshotDelta {
  const baseListeners = new Map(base.listeners.map((listener) => [listener.id, listener]));
  return {
    revision: next.revision,
    baseRevision: base.revision,
    listenerIds: next.listeners.map((listener) => listener.id),
    listeners: next.listeners.filter((listener) => !sameJson(listener, baseListeners.get(listener.id))),
    poolIds: Object.keys(next.pools),
    pools: Object.entries(next.pools).filter(([id, pool]) => !sameJson(pool, base.pools[id])).map(([, pool]) => pool),
  };
}

export function patchSnapshot(base: Snapshot, delta: SnapshotDelta): Snapshot {
  if (base.revision !== delta.baseRevision) {
    throw new Error(`snapshot delta for revision ${delta.baseRevision} cannot patch revision ${base.revision}`);
  }
  const changedListeners = new Map(delta.listeners.map((listener) => [listener.id, listener]));
  const baseListeners = new Map(base.listeners.map((listener) => [listener.id, listener]));
  const changedPools = new Map(delta.pools.map((pool) => [pool.id, pool]));
  return {
    revision: delta.revision,
    listeners: delta.listenerIds.map((id) => changedListeners.get(id) ?? baseListeners.get(id) ?? missing('listener', id)),
    pools: Object.fromEntries(delta.poolIds.map((id) => [id, changedPools.get(id) ?? base.pools[id] ?? missing('pool', id)])),
  };
}

/** Remembers the last delta, so N workers holding the same base cost one diff. */
export class DeltaEncoder {
  private last: { base: Snapshot; next: Snapshot; delta: SnapshotDelta } | undefined;

  encode(base: Snapshot, next: Snapshot): SnapshotDelta {
    if (this.last?.base !== base || this.last.next !== next) this.last = { base, next, delta: diffSnapshots(base, next) };
    return this.last.delta;
  }
}

function missing(kind: string, id: string): never {
  throw new Error(`snapshot delta names ${kind} ${id}, which the base does not have`);
}

/** Equality of JSON values (what snapshots are made of); shared subtrees compare at once. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}
