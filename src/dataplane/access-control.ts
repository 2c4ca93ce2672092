// allowed_cidrs and the listener's ip group, compiled once per configuration into one predicate
// that runs on every accepted connection (or new UDP flow) before any member is contacted.

import { cidrContains, parseCidr, parseIp } from '../model/cidr.js';
import type { CidrBlock } from '../model/cidr.js';
import type { SnapshotAccessControl } from '../snapshot/snapshot.js';

/** True when the client address may use the listener. */
export type AccessFilter = (clientAddress: string) => boolean;

function parseAll(cidrs: readonly string[]): CidrBlock[] {
  // The API validated every entry; one that still does not parse matches nothing.
  return cidrs.map(parseCidr).filter((block): block is CidrBlock => block !== null);
}

/** null when every client is allowed (no allowed_cidrs, no ip group): nothing to check. */
export function createAccessFilter(control: SnapshotAccessControl): AccessFilter | null {
  const allowed = control.allowedCidrs.length > 0 ? parseAll(control.allowedCidrs) : null;
  const group = control.ipGroup ? { white: control.ipGroup.type === 'white', blocks: parseAll(control.ipGroup.cidrs) } : null;
  if (!allowed && !group) return null;
  return (clientAddress) => {
    const address = parseIp(clientAddress);
    if (!address) return false;
    if (allowed && !allowed.some((block) => cidrContains(block, address))) return false;
    if (group && group.blocks.some((block) => cidrContains(block, address)) !== group.white) return false;
    return true;
  };
}
