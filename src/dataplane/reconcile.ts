// The pure diff between the listeners running now and a new snapshot: which to open, which to
// update in place, which to close. A listener keeps its socket across a change only when its
// protocol, address and port stay the same; otherwise it is closed and opened again. Disabled
// listeners (admin down, or their load balancer is) are not wanted, so they are closed.
// A running listener whose new configuration is the very object it runs (incremental snapshots
// and deltas reuse unchanged parts), and whose pools are the very objects they were, is left
// alone: one change touches one listener, not all. (A listener is updated when one of its pools
// changed, so that it can let go of what it kept for removed members.)

import type { Snapshot, SnapshotListener, SnapshotPool } from '../snapshot/snapshot.js';

export interface ListenerPlan {
  /** Listeners to start, in snapshot order. */
  readonly open: readonly SnapshotListener[];
  /** Running listeners that take a new configuration (not those whose configuration is the same object). */
  readonly update: readonly SnapshotListener[];
  /**
   * Running listeners to close before anything opens, because a listener to open needs their
   * address (a protocol change on the same port, or another listener taking it over).
   */
  readonly closeFirst: readonly string[];
  /** Running listeners to close after the new ones are up. */
  readonly close: readonly string[];
}

/** Running listeners with one protocol, transport, address and port share a socket identity. */
function sameSocket(a: SnapshotListener, b: SnapshotListener): boolean {
  return a.protocol === b.protocol && a.transport === b.transport && a.address === b.address && a.port === b.port;
}

export function bindKey(listener: SnapshotListener): string {
  return `${listener.transport}|${listener.address}|${listener.port}`;
}

/** Whether the pools a listener sends to are the same objects in both snapshots' pools. */
function samePools(listener: SnapshotListener, previous: Readonly<Record<string, SnapshotPool>>, next: Readonly<Record<string, SnapshotPool>>): boolean {
  const same = (id: string | null) => id === null || previous[id] === next[id];
  return same(listener.defaultPoolId) && listener.policies.every((policy) => same(policy.redirectPoolId));
}

/** `previousPools`: the pools of the snapshot running now; without them every kept listener updates. */
export function reconcile(running: ReadonlyMap<string, SnapshotListener>, next: Snapshot, previousPools?: Readonly<Record<string, SnapshotPool>>): ListenerPlan {
  const open: SnapshotListener[] = [];
  const update: SnapshotListener[] = [];
  const keep = new Set<string>();
  for (const listener of next.listeners) {
    if (!listener.enabled) continue;
    const current = running.get(listener.id);
    if (current === listener && previousPools !== undefined && samePools(listener, previousPools, next.pools)) {
      keep.add(listener.id);
    } else if (current && sameSocket(current, listener)) {
      update.push(listener);
      keep.add(listener.id);
    } else {
      open.push(listener);
    }
  }
  const needed = new Set(open.map(bindKey));
  const closeFirst: string[] = [];
  const close: string[] = [];
  for (const [id, listener] of running) {
    if (keep.has(id)) continue;
    (needed.has(bindKey(listener)) ? closeFirst : close).push(id);
  }
  return { open, update, closeFirst, close };
}
