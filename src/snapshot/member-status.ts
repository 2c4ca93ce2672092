// A member's operating status from its configuration and its health, in one precedence for every
// engine (Octavia's vocabulary): admin down, then unmonitored, then the health verdict.

import type { SnapshotMember } from './snapshot.js';

export type MemberOperatingStatus = 'ONLINE' | 'ERROR' | 'NO_MONITOR' | 'OFFLINE' | 'DRAINING';

export function memberOperatingStatus(member: Pick<SnapshotMember, 'enabled' | 'weight'>, monitored: boolean, healthy: boolean): MemberOperatingStatus {
  if (!member.enabled) return 'OFFLINE';
  if (!monitored) return 'NO_MONITOR';
  if (!healthy) return 'ERROR';
  // Octavia reports a weight-0 member that is up as DRAINING (HAProxy's DRAIN state).
  return member.weight === 0 ? 'DRAINING' : 'ONLINE';
}
