// The part of a snapshot one node serves (model/placement.ts): its availability zone's load
// balancers and those without a zone. Applied before any engine sees the snapshot, so every
// engine serves exactly what is placed on its node. Kept parts stay the very same objects, so
// the data plane's reconcile and the cluster delta still skip what did not change.

import { servesLoadBalancer } from '../model/placement.js';
import { referencedPoolIds } from './build-snapshot.js';
import type { Snapshot, SnapshotPool } from './snapshot.js';

export function placeSnapshot(snapshot: Snapshot, nodeZone: string | null): Snapshot {
  const listeners = snapshot.listeners.filter((listener) => servesLoadBalancer(nodeZone, listener.availabilityZone ?? null));
  if (listeners.length === snapshot.listeners.length) return snapshot;
  const pools: Record<string, SnapshotPool> = {};
  for (const id of referencedPoolIds(listeners)) {
    const pool = snapshot.pools[id];
    if (pool !== undefined) pools[id] = pool;
  }
  return { revision: snapshot.revision, listeners, pools };
}
