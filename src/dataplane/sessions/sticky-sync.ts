// Sharing of sticky tables (SOURCE_IP persistence, learned APP_COOKIE values) between data plane
// worker processes: a client whose connections land on different workers must reach the same
// member. A table registers under a stable id; a binding that local traffic creates or changes
// is handed to the subscriber (the cluster worker, which sends it to the others); bindings other
// workers made are learned through learnSticky(). In a single process nobody subscribes: no cost.

export interface StickyBinding {
  /** e.g. `source-ip/<pool id>`, `app-cookie/<listener id>/<pool id>`. */
  readonly table: string;
  readonly key: string;
  readonly memberId: string;
}

export interface StickyTable {
  /** Takes a binding made by another worker, without reporting it back. */
  learn(key: string, memberId: string): void;
}

const tables = new Map<string, WeakRef<StickyTable>>();
let subscriber: ((binding: StickyBinding) => void) | undefined;

/**
 * Bindings for tables this worker has not created yet: tables are made on a pool's first request
 * here, which may come after other workers' bindings for it. Handed over at registration.
 */
const pending = new Map<string, Map<string, string>>();
/** Bound per table (the size of the largest sticky table), oldest dropped first. */
export const PENDING_BINDINGS_PER_TABLE = 10_000;

/** A table that replaces another with the same id (new settings) takes its place. */
export function registerStickyTable(id: string, table: StickyTable): void {
  tables.set(id, new WeakRef(table));
  const waiting = pending.get(id);
  if (waiting === undefined) return;
  pending.delete(id);
  for (const [key, memberId] of waiting) table.learn(key, memberId);
}

/** Tables call this when local traffic binds a key to another member than before. */
export function stickyBound(table: string, key: string, memberId: string): void {
  subscriber?.({ table, key, memberId });
}

export function subscribeSticky(onBound: ((binding: StickyBinding) => void) | undefined): void {
  subscriber = onBound;
}

export function learnSticky(bindings: readonly StickyBinding[]): void {
  for (const { table, key, memberId } of bindings) {
    const target = tables.get(table)?.deref();
    if (target) target.learn(key, memberId);
    else keepPending(table, key, memberId);
  }
}

function keepPending(table: string, key: string, memberId: string): void {
  tables.delete(table);
  let waiting = pending.get(table);
  if (waiting === undefined) pending.set(table, (waiting = new Map()));
  waiting.delete(key);
  waiting.set(key, memberId);
  if (waiting.size > PENDING_BINDINGS_PER_TABLE) waiting.delete(waiting.keys().next().value as string);
}
