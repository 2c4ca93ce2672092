// allowed_cidrs and the ip group (white/black list) of a listener, compiled once per snapshot into
// one predicate that every listener protocol asks before it reads a byte from a client.

import type { SnapshotAccessControl } from '../../snapshot/snapshot.js';
import { createAddressSet } from './address-set.js';

export type ClientAdmission = (clientAddress: string) => boolean;

const ADMIT_ALL: ClientAdmission = () => true;

export function compileAccessControl(access: SnapshotAccessControl): ClientAdmission {
  const checks: ClientAdmission[] = [];
  if (access.allowedCidrs.length > 0) {
    const allowed = createAddressSet(access.allowedCidrs);
    checks.push((address) => allowed.has(address));
  }
  if (access.ipGroup !== null) {
    const group = createAddressSet(access.ipGroup.cidrs);
    const white = access.ipGroup.type === 'white';
    checks.push((address) => group.has(address) === white);
  }
  if (checks.length === 0) return ADMIT_ALL;
  return (address) => checks.every((check) => check(address));
}
