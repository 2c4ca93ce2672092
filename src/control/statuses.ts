// Provisioning and operating statuses as the API shows them: computed at read time from the
// configuration and the data plane's live state, rolled up member → pool → listener → load balancer.

import type { OperatingStatus, ProvisioningStatus } from '../model/types.js';
import type { LiveStatus } from '../snapshot/snapshot.js';
import type { StoreContents } from '../store/store.js';

export interface ShownStatus {
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  /** elbow extension: why provisioning_status is ERROR (e.g. the port is taken by another program). */
  provisioning_status_reason?: string;
}

const UP: ReadonlySet<string> = new Set(['ONLINE', 'NO_MONITOR', 'DRAINING']);
const LIVE_MEMBER_STATUSES: ReadonlySet<string> = new Set(['ONLINE', 'ERROR', 'NO_MONITOR', 'OFFLINE', 'DRAINING']);

/** ONLINE when every part is up, ERROR when every part is down, DEGRADED in between. */
function rollUp(parts: readonly OperatingStatus[]): OperatingStatus {
  if (parts.length === 0) return 'ONLINE';
  const up = parts.filter((status) => UP.has(status)).length;
  if (up === parts.length) return 'ONLINE';
  return up === 0 ? 'ERROR' : 'DEGRADED';
}

const active = (operating: OperatingStatus): ShownStatus => ({ provisioning_status: 'ACTIVE', operating_status: operating });

/**
 * The status of every resource with statuses, by id. `live` is null when no data plane reports
 * (then members keep their stored status); listenerErrors come from the last apply otherwise.
 */
export function computeStatuses(
  resources: StoreContents['resources'],
  live: LiveStatus | null,
  lastListenerErrors: Readonly<Record<string, string>>,
): Map<string, ShownStatus> {
  const shown = new Map<string, ShownStatus>();
  const listenerErrors = live?.listenerErrors ?? lastListenerErrors;
  const monitoredPools = new Set(resources.healthmonitor.filter((hm) => hm.admin_state_up).map((hm) => hm.pool_id));

  const membersByPool = new Map<string, OperatingStatus[]>();
  for (const member of resources.member) {
    let status: OperatingStatus;
    if (!member.admin_state_up) status = 'OFFLINE';
    else if (!monitoredPools.has(member.pool_id)) status = 'NO_MONITOR';
    else {
      // A data plane that has not probed the member yet: OFFLINE, as Octavia shows a monitored member before its first check.
      const reported = live?.members[member.id];
      if (live === null) status = member.operating_status;
      else status = reported !== undefined && LIVE_MEMBER_STATUSES.has(reported) ? (reported as OperatingStatus) : 'OFFLINE';
    }
    shown.set(member.id, active(status));
    if (member.admin_state_up) membersByPool.set(member.pool_id, [...(membersByPool.get(member.pool_id) ?? []), status]);
  }

  for (const pool of resources.pool) {
    shown.set(pool.id, active(pool.admin_state_up ? rollUp(membersByPool.get(pool.id) ?? []) : 'OFFLINE'));
  }

  const lbEnabled = new Map(resources.loadbalancer.map((lb) => [lb.id, lb.admin_state_up]));
  const listenersByLb = new Map<string, OperatingStatus[]>();
  for (const listener of resources.listener) {
    const error = listenerErrors[listener.id];
    let status: ShownStatus;
    if (!listener.admin_state_up || lbEnabled.get(listener.loadbalancer_id) === false) status = active('OFFLINE');
    else if (error !== undefined) status = { provisioning_status: 'ERROR', operating_status: 'ERROR', provisioning_status_reason: error };
    else {
      const pool = listener.default_pool_id === null ? undefined : shown.get(listener.default_pool_id);
      const poolStatus = pool?.operating_status ?? 'ONLINE';
      status = active(poolStatus === 'OFFLINE' ? 'ERROR' : poolStatus);
    }
    shown.set(listener.id, status);
    if (status.operating_status !== 'OFFLINE') listenersByLb.set(listener.loadbalancer_id, [...(listenersByLb.get(listener.loadbalancer_id) ?? []), status.operating_status]);
  }

  for (const lb of resources.loadbalancer) shown.set(lb.id, active(lb.admin_state_up ? rollUp(listenersByLb.get(lb.id) ?? []) : 'OFFLINE'));
  for (const child of [...resources.healthmonitor, ...resources.l7policy, ...resources.l7rule]) {
    shown.set(child.id, active(child.admin_state_up ? 'ONLINE' : 'OFFLINE'));
  }
  return shown;
}
