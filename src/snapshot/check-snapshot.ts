// Envoy's Consistent() for elbow: a snapshot is self-consistent when everything it references is
// in it and no two enabled listeners would bind the same socket. The data plane refuses a
// snapshot that is not (a builder bug, never a user error: the API's rules come first).

import { TLS_LISTENER_PROTOCOLS } from '../model/protocols.js';
import type { Snapshot, SnapshotListener, SnapshotPool } from './snapshot.js';

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/**
 * Enabled listeners on one transport and port, indexed so that finding the first one a listener
 * would clash with costs a few lookups, not a scan (a thousand load balancers share port 80).
 */
class SocketGroup {
  private first: SnapshotListener | undefined;
  private firstWildcard: { listener: SnapshotListener; order: number } | undefined;
  private readonly firstByAddress = new Map<string, { listener: SnapshotListener; order: number }>();
  private count = 0;

  /** The earliest listener added that binds a socket overlapping `listener`'s (same address, or either a wildcard). */
  clash(listener: SnapshotListener): SnapshotListener | undefined {
    if (isWildcard(listener.address)) return this.first;
    const same = this.firstByAddress.get(listener.address);
    const wildcard = this.firstWildcard;
    if (same === undefined || wildcard === undefined) return (same ?? wildcard)?.listener;
    return same.order < wildcard.order ? same.listener : wildcard.listener;
  }

  add(listener: SnapshotListener): void {
    const entry = { listener, order: this.count++ };
    this.first ??= listener;
    if (isWildcard(listener.address)) this.firstWildcard ??= entry;
    if (!this.firstByAddress.has(listener.address)) this.firstByAddress.set(listener.address, entry);
  }
}

/** Every inconsistency found, as a sentence; empty when the snapshot is consistent. */
export function checkSnapshot(snapshot: Snapshot): string[] {
  return [...listenerProblems(snapshot), ...poolProblems(snapshot)];
}

/** Listeners: unique ids, pools that exist, TLS where it terminates, no two binding one socket. */
function listenerProblems(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  const listenerIds = new Set<string>();
  // Enabled listeners by transport and port: only those can clash.
  const enabled = new Map<string, SocketGroup>();
  for (const listener of snapshot.listeners) {
    if (listenerIds.has(listener.id)) problems.push(`listener ${listener.id} appears twice`);
    listenerIds.add(listener.id);
    if (listener.defaultPoolId !== null && !snapshot.pools[listener.defaultPoolId]) {
      problems.push(`listener ${listener.id} references missing pool ${listener.defaultPoolId}`);
    }
    for (const policy of listener.policies) {
      if (policy.redirectPoolId !== null && !snapshot.pools[policy.redirectPoolId]) {
        problems.push(`policy ${policy.id} of listener ${listener.id} references missing pool ${policy.redirectPoolId}`);
      }
    }
    if (TLS_LISTENER_PROTOCOLS[listener.protocol] && listener.enabled && !listener.tls) {
      problems.push(`${listener.protocol} listener ${listener.id} has no TLS configuration`);
    }
    if (!listener.enabled) continue;
    const key = `${listener.transport}|${listener.port}`;
    let sharing = enabled.get(key);
    if (sharing === undefined) enabled.set(key, (sharing = new SocketGroup()));
    const clash = sharing.clash(listener);
    if (clash) problems.push(`listeners ${clash.id} and ${listener.id} both bind ${listener.transport} ${listener.address}:${listener.port}`);
    sharing.add(listener);
  }
  return problems;
}

/**
 * checkSnapshot over successive snapshots that share parts (the incremental builder keeps what
 * did not change as the very same objects): after a consistent snapshot, a pool that is the same
 * object under the same id is not looked at again, so a change costs the pools it touched, not
 * every member (10,000 at the config-scale shape). Listeners are checked in full each time (one
 * pass). When anything is wrong, the answer is checkSnapshot's own, and the next check starts over.
 */
export class SnapshotChecker {
  /** The pools of the last consistent snapshot, by id. */
  private pools = new Map<string, SnapshotPool>();
  /** Every member id in those pools. */
  private members = new Set<string>();

  check(snapshot: Snapshot): string[] {
    if (listenerProblems(snapshot).length === 0 && this.poolsStillConsistent(snapshot)) return [];
    this.pools = new Map();
    this.members = new Set();
    return checkSnapshot(snapshot);
  }

  /** Brings the state to `snapshot`'s pools; false at the first problem (the state is then to be dropped). */
  private poolsStillConsistent(snapshot: Snapshot): boolean {
    for (const [id, pool] of this.pools) {
      if (Object.hasOwn(snapshot.pools, id) && snapshot.pools[id] === pool) continue;
      for (const member of pool.members) this.members.delete(member.id);
      this.pools.delete(id);
    }
    for (const id of Object.keys(snapshot.pools)) {
      const pool = snapshot.pools[id] as SnapshotPool;
      if (this.pools.get(id) === pool) continue;
      if (onePoolProblems(id, pool).length > 0) return false;
      for (const member of pool.members) {
        if (this.members.has(member.id)) return false;
        this.members.add(member.id);
      }
      this.pools.set(id, pool);
    }
    return true;
  }
}


/** Pools: filed under their id, members once, monitors with positive timing. */
function poolProblems(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  const memberIds = new Set<string>();
  for (const [id, pool] of Object.entries(snapshot.pools)) {
    problems.push(...onePoolProblems(id, pool));
    for (const member of pool.members) {
      if (memberIds.has(member.id)) problems.push(`member ${member.id} appears twice`);
      memberIds.add(member.id);
    }
  }
  return problems;
}

/** What can be wrong with one pool by itself: filed under another id, a monitor without positive timing. */
function onePoolProblems(id: string, pool: SnapshotPool): string[] {
  const problems: string[] = [];
  if (pool.id !== id) problems.push(`pool ${pool.id} is filed under ${id}`);
  const monitor = pool.healthMonitor;
  if (monitor && (monitor.intervalMs <= 0 || monitor.timeoutMs <= 0 || monitor.riseCount < 1 || monitor.fallCount < 1)) {
    problems.push(`health monitor ${monitor.id} of pool ${id} has a non-positive interval, timeout or count`);
  }
  return problems;
}
