// Provisioning and operating statuses as the API shows them: computed at read time from the
// configuration and the runtime view (what the engines report: listener errors, member health),
// rolled up member → pool → listener → load balancer. Nothing is stored. Each status is computed
// when asked and remembered for the one read, so showing one resource costs its subtree, not the
// whole configuration.

import type { AnyResource, Listener, LoadBalancer, Member, OperatingStatus, Pool, ProvisioningStatus, ResourceKind } from '../model/types.js';
import type { RuntimeView } from '../snapshot/runtime-view.js';
import type { ConfigView } from '../store/config-mirror.js';

export interface ShownStatus {
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
  /** elbow extension: why provisioning_status is ERROR (e.g. the port is taken by another program). */
  provisioning_status_reason?: string;
}

const UP: ReadonlySet<string> = new Set(['ONLINE', 'NO_MONITOR', 'DRAINING']);
const LIVE_MEMBER_STATUSES: ReadonlySet<string> = new Set(['ONLINE', 'ERROR', 'NO_MONITOR', 'OFFLINE', 'DRAINING']);
const ENABLED_OR_NOT: ReadonlySet<ResourceKind> = new Set(['healthmonitor', 'l7policy', 'l7rule']);

/** ONLINE when every part is up, ERROR when every part is down, DEGRADED in between. */
function rollUp(parts: readonly OperatingStatus[]): OperatingStatus {
  if (parts.length === 0) return 'ONLINE';
  const up = parts.filter((status) => UP.has(status)).length;
  if (up === parts.length) return 'ONLINE';
  return up === 0 ? 'ERROR' : 'DEGRADED';
}

const active = (operating: OperatingStatus): ShownStatus => ({ provisioning_status: 'ACTIVE', operating_status: operating });

/**
 * The statuses of one read (the catalog's STATUS_FIELDS; this computes their values). `runtime`
 * is undefined when no data plane runs (the control plane alone): monitored members then show
 * NO_MONITOR and no listener has an error.
 */
export class StatusRollup {
  private readonly shown = new Map<string, ShownStatus | undefined>();

  constructor(
    private readonly view: ConfigView,
    private readonly runtime: RuntimeView | undefined,
  ) {}

  /** The status of a resource with statuses; undefined for other kinds and unknown ids. */
  get(id: string): ShownStatus | undefined {
    if (this.shown.has(id)) return this.shown.get(id);
    const found = this.view.byId(id);
    const status = found === undefined ? undefined : this.compute(found.kind, found.resource);
    this.shown.set(id, status);
    return status;
  }

  private compute(kind: ResourceKind, resource: AnyResource): ShownStatus | undefined {
    switch (kind) {
      case 'member':
        return active(this.memberStatus(resource as Member));
      case 'pool':
        return active(this.poolStatus(resource as Pool));
      case 'listener':
        return this.listenerStatus(resource as Listener);
      case 'loadbalancer':
        return active(this.loadBalancerStatus(resource as LoadBalancer));
      default:
        return ENABLED_OR_NOT.has(kind) ? active((resource as { admin_state_up: boolean }).admin_state_up ? 'ONLINE' : 'OFFLINE') : undefined;
    }
  }

  private memberStatus(member: Member): OperatingStatus {
    if (!member.admin_state_up) return 'OFFLINE';
    const monitored = this.view.children('monitorsByPool', member.pool_id).some((hm) => hm.admin_state_up);
    if (!monitored) return 'NO_MONITOR';
    if (this.runtime === undefined) return 'NO_MONITOR';
    // A data plane that does not run the member yet: OFFLINE, as Octavia shows a monitored member before its first check.
    const reported = this.runtime.memberStatus(member.id);
    return reported !== undefined && LIVE_MEMBER_STATUSES.has(reported) ? (reported as OperatingStatus) : 'OFFLINE';
  }

  private poolStatus(pool: Pool): OperatingStatus {
    if (!pool.admin_state_up) return 'OFFLINE';
    const members = this.view.children('membersByPool', pool.id).filter((member) => member.admin_state_up);
    return rollUp(members.map((member) => this.get(member.id)?.operating_status ?? 'OFFLINE'));
  }

  private listenerStatus(listener: Listener): ShownStatus {
    const error = this.runtime?.listenerError(listener.id);
    if (!listener.admin_state_up || this.view.get('loadbalancer', listener.loadbalancer_id)?.admin_state_up === false) return active('OFFLINE');
    if (error !== undefined) return { provisioning_status: 'ERROR', operating_status: 'ERROR', provisioning_status_reason: error };
    const pool = listener.default_pool_id === null || this.view.get('pool', listener.default_pool_id) === undefined ? undefined : this.get(listener.default_pool_id);
    const poolStatus = pool?.operating_status ?? 'ONLINE';
    return active(poolStatus === 'OFFLINE' ? 'ERROR' : poolStatus);
  }

  private loadBalancerStatus(lb: LoadBalancer): OperatingStatus {
    if (!lb.admin_state_up) return 'OFFLINE';
    const parts: OperatingStatus[] = [];
    for (const listener of this.view.children('listenersByLb', lb.id)) {
      const status = this.get(listener.id)?.operating_status ?? 'OFFLINE';
      if (status !== 'OFFLINE') parts.push(status);
    }
    return rollUp(parts);
  }
}
