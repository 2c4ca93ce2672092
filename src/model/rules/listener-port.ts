// The spec's port rule for one load balancer (design.md §2): two listeners conflict iff they
// have the same protocol_port and the same transport family (UDP → udp, all else → tcp).

import { ElbowError } from '../../errors.js';
import { transportOf } from '../protocols.js';
import type { Listener } from '../types.js';

export type PortedListener = Pick<Listener, 'id' | 'protocol' | 'protocol_port'>;

export function listenersConflict(a: Pick<Listener, 'protocol' | 'protocol_port'>, b: Pick<Listener, 'protocol' | 'protocol_port'>): boolean {
  return a.protocol_port === b.protocol_port && transportOf(a.protocol) === transportOf(b.protocol);
}

/** The listener of the same load balancer the candidate would collide with (itself excluded). */
export function findPortConflict<L extends PortedListener>(
  candidate: Pick<Listener, 'protocol' | 'protocol_port'> & { id?: string },
  siblings: readonly L[],
): L | undefined {
  return siblings.find((other) => other.id !== candidate.id && listenersConflict(candidate, other));
}

/** LISTENER_PORT_CONFLICT naming the existing listener. */
export function portConflictError(existing: PortedListener): ElbowError {
  return new ElbowError('LISTENER_PORT_CONFLICT', {
    id: existing.id,
    protocol: existing.protocol,
    port: existing.protocol_port,
    transport: transportOf(existing.protocol).toUpperCase(),
  });
}

export function checkPortConflict(candidate: Pick<Listener, 'protocol' | 'protocol_port'> & { id?: string }, siblings: readonly PortedListener[]): void {
  const existing = findPortConflict(candidate, siblings);
  if (existing) throw portConflictError(existing);
}
