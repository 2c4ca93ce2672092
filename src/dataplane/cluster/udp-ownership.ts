// One worker per UDP listener. A shared UDP socket hands each datagram to whichever worker reads
// first, so one client flow would reach the member from several workers' upstream sockets (the
// member sees one client as several, which breaks QUIC, WireGuard, anything with UDP sessions).
// So each UDP listener is bound by one owner worker (spread by listener id over the slots) and
// moves to the next live worker while its owner is down. TCP-based listeners need none of this:
// a connection stays with the worker that accepted it.

import type { Snapshot } from '../../snapshot/snapshot.js';
import { fnv1a } from '../hashing/fnv1a.js';

/** UDP listener id → the slot of the worker that binds it. */
export type UdpOwners = Readonly<Record<string, number>>;

export function assignUdpOwners(snapshot: Snapshot, slotCount: number, live: ReadonlySet<number>): UdpOwners {
  const owners: Record<string, number> = {};
  for (const listener of snapshot.listeners) {
    if (listener.transport !== 'udp') continue;
    const preferred = fnv1a(listener.id) % slotCount;
    let owner = preferred;
    for (let step = 0; step < slotCount; step++) {
      const slot = (preferred + step) % slotCount;
      if (live.has(slot)) {
        owner = slot;
        break;
      }
    }
    owners[listener.id] = owner;
  }
  return owners;
}

/** The snapshot as one worker runs it: UDP listeners another worker owns are off here. */
export function localSnapshot(snapshot: Snapshot, owners: UdpOwners, slot: number): Snapshot {
  if (!snapshot.listeners.some((listener) => listener.transport === 'udp' && owners[listener.id] !== slot)) return snapshot;
  return {
    ...snapshot,
    listeners: snapshot.listeners.map((listener) =>
      listener.transport === 'udp' && owners[listener.id] !== slot && listener.enabled ? { ...listener, enabled: false } : listener),
  };
}

export function sameOwners(a: UdpOwners, b: UdpOwners): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
