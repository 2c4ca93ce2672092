// Members: the address must be an IP literal, and one pool may not list the same address+port
// twice (Octavia's 409); the same port on different addresses is fine (spec table 2).

import { ElbowError } from '../../errors.js';
import { normalizeIp } from '../cidr.js';
import type { Member } from '../types.js';

/** The address in canonical form; CIDR_INVALID naming the field when it is not an IP address. */
export function checkMemberAddress(field: string, address: string): string {
  const normalized = normalizeIp(address);
  if (normalized === null) throw new ElbowError('CIDR_INVALID', { value: address, field });
  return normalized;
}

export type AddressedMember = Pick<Member, 'id' | 'address' | 'protocol_port' | 'pool_id'>;

export function findMemberConflict<M extends AddressedMember>(candidate: Omit<AddressedMember, 'id'> & { id?: string }, siblings: readonly M[]): M | undefined {
  const address = normalizeIp(candidate.address) ?? candidate.address;
  return siblings.find(
    (other) => other.id !== candidate.id && other.protocol_port === candidate.protocol_port && (normalizeIp(other.address) ?? other.address) === address,
  );
}

export function memberConflictError(existing: AddressedMember): ElbowError {
  return new ElbowError('MEMBER_ADDRESS_CONFLICT', { id: existing.id, address: existing.address, port: existing.protocol_port, pool_id: existing.pool_id });
}

export function checkMemberConflict(candidate: Omit<AddressedMember, 'id'> & { id?: string }, siblings: readonly AddressedMember[]): void {
  const existing = findMemberConflict(candidate, siblings);
  if (existing) throw memberConflictError(existing);
}
