// Listeners of different load balancers share the host's sockets (design.md §4): their bind
// addresses overlap when equal or when one is a wildcard, and then the same transport+port
// is a 409 rather than a bind failure at run time.

import { ElbowError } from '../../errors.js';
import { parseIp, type IpAddress } from '../cidr.js';
import { transportOf } from '../protocols.js';
import type { Listener } from '../types.js';

/** A listener with the address it binds (its load balancer's VIP). */
export interface BoundListener extends Pick<Listener, 'id' | 'protocol' | 'protocol_port' | 'loadbalancer_id'> {
  readonly address: string;
}

function isWildcard(address: IpAddress): boolean {
  return address.bytes.every((b) => b === 0);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * True when two bind addresses can collide: the same address, `::` (which on Linux also takes
 * IPv4) against anything, or 0.0.0.0 against any IPv4 address.
 */
export function bindAddressesOverlap(a: string, b: string): boolean {
  const pa = parseIp(a);
  const pb = parseIp(b);
  if (!pa || !pb) return a === b;
  if (pa.family === pb.family) return isWildcard(pa) || isWildcard(pb) || sameBytes(pa.bytes, pb.bytes);
  // Mixed families collide only through the dual-stack wildcard `::`.
  return isWildcard(pa.family === 6 ? pa : pb);
}

/** A listener of another load balancer whose socket would collide with the candidate's. */
export function findBindConflict<L extends BoundListener>(candidate: Omit<BoundListener, 'id'> & { id?: string }, others: readonly L[]): L | undefined {
  return others.find(
    (other) =>
      other.id !== candidate.id &&
      other.loadbalancer_id !== candidate.loadbalancer_id &&
      other.protocol_port === candidate.protocol_port &&
      transportOf(other.protocol) === transportOf(candidate.protocol) &&
      bindAddressesOverlap(other.address, candidate.address),
  );
}

export function bindConflictError(existing: BoundListener): ElbowError {
  return new ElbowError('LISTENER_BIND_CONFLICT', {
    id: existing.id,
    protocol: existing.protocol,
    port: existing.protocol_port,
    loadbalancer_id: existing.loadbalancer_id,
    address: existing.address,
    transport: transportOf(existing.protocol).toUpperCase(),
  });
}

export function checkBindConflict(candidate: Omit<BoundListener, 'id'> & { id?: string }, others: readonly BoundListener[]): void {
  const existing = findBindConflict(candidate, others);
  if (existing) throw bindConflictError(existing);
}
