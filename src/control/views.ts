// Resources as the API shows them: relationship arrays derived from the stored configuration
// at read time, statuses overlaid, private keys removed. The configuration view is indexed by
// reference, so rendering one resource costs the size of its relations.

import { hiddenFields, perKind } from '../model/resources/catalog.js';
import { QUOTA_UNLIMITED } from '../model/resources/quota.js';
import type { AnyResource, HealthMonitor, IdRef, L7Policy, Listener, Quota, ResourceByKind, ResourceKind } from '../model/types.js';
import type { ConfigView } from '../store/config-mirror.js';
import type { ResourceView } from './control-plane.js';
import type { ShownStatus } from './statuses.js';

const ids = (items: readonly { id: string }[]): IdRef[] => items.map(({ id }) => ({ id }));

/** Who refers to whom, looked up in the view's indexes. */
export class Relations {
  constructor(readonly view: ConfigView) {}

  listenersOfLb(id: string): Listener[] {
    return this.view.children('listenersByLb', id);
  }

  /** A listener's policies in position order. */
  policiesOfListener(id: string): L7Policy[] {
    return this.view.children('policiesByListener', id).sort((a, b) => a.position - b.position);
  }

  /** The pool's monitor (the last created, should there be several). */
  monitorOfPool(id: string): HealthMonitor | undefined {
    return this.view.children('monitorsByPool', id).at(-1);
  }

  /** Listeners that send to a pool: as default pool or through a policy. */
  poolListeners(poolId: string): IdRef[] {
    const listenerIds = new Set(this.view.children('listenersByDefaultPool', poolId).map((l) => l.id));
    for (const policy of this.view.children('policiesByRedirectPool', poolId)) listenerIds.add(policy.listener_id);
    return [...listenerIds].map((id) => ({ id }));
  }
}

type Derive<K extends ResourceKind> = (resource: ResourceByKind[K], relations: Relations) => Record<string, unknown>;

const DERIVED: { [K in ResourceKind]: Derive<K> } = {
  loadbalancer: (lb, r) => ({ listeners: ids(r.listenersOfLb(lb.id)), pools: ids(r.view.children('poolsByLb', lb.id)) }),
  listener: (l, r) => ({ loadbalancers: [{ id: l.loadbalancer_id }], l7policies: ids(r.policiesOfListener(l.id)) }),
  pool: (p, r) => ({
    loadbalancers: [{ id: p.loadbalancer_id }],
    listeners: r.poolListeners(p.id),
    members: ids(r.view.children('membersByPool', p.id)),
    healthmonitor_id: r.monitorOfPool(p.id)?.id ?? null,
  }),
  member: () => ({}),
  healthmonitor: (hm) => ({ pools: [{ id: hm.pool_id }] }),
  l7policy: (p, r) => ({ rules: ids(r.view.children('rulesByPolicy', p.id)) }),
  l7rule: () => ({}),
  certificate: () => ({}),
  ipgroup: (g, r) => ({ listeners: ids(r.view.children('listenersByIpGroup', g.id)) }),
  quota: (q) => quotaLimits(q),
  flavorprofile: () => ({}),
  flavor: () => ({}),
  availabilityzoneprofile: () => ({}),
  availabilityzone: () => ({}),
};

const QUOTA_LIMITS = ['loadbalancer', 'listener', 'pool', 'member', 'healthmonitor', 'l7policy', 'l7rule'] as const;

/** The limits in effect (null: the default, -1), under both of Octavia's spellings. */
export function quotaLimits(quota: Partial<Pick<Quota, (typeof QUOTA_LIMITS)[number]>>): Record<string, number> {
  const shown: Record<string, number> = {};
  for (const field of QUOTA_LIMITS) shown[field] = quota[field] ?? QUOTA_UNLIMITED;
  return { ...shown, load_balancer: shown.loadbalancer ?? QUOTA_UNLIMITED, health_monitor: shown.healthmonitor ?? QUOTA_UNLIMITED };
}

const HIDDEN = perKind(hiddenFields);

export interface StatusLookup {
  get(id: string): ShownStatus | undefined;
}

/**
 * The stored fields with the computed statuses right after the common ones (where Octavia shows
 * them). Rows stored when statuses were stored still carry theirs: ignored.
 */
function withStatuses(resource: AnyResource, pair: Partial<Pick<ShownStatus, 'provisioning_status' | 'operating_status'>>): Record<string, unknown> {
  if (pair.provisioning_status === undefined) return { ...resource };
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'provisioning_status' || key === 'operating_status') continue;
    shown[key] = value;
    if (key === 'updated_at') Object.assign(shown, pair);
  }
  return shown;
}

export function renderView<K extends ResourceKind>(kind: K, resource: ResourceByKind[K], relations: Relations, statuses: StatusLookup): ResourceView {
  const { provisioning_status_reason: reason, ...pair } = statuses.get(resource.id) ?? {};
  const view: Record<string, unknown> = {
    ...withStatuses(resource as AnyResource, pair),
    ...(DERIVED[kind] as Derive<K>)(resource, relations),
    ...(reason !== undefined ? { provisioning_status_reason: reason } : {}),
  };
  // Fields the catalog does not show (a certificate's private key) never leave through the API.
  for (const field of HIDDEN[kind]) delete view[field];
  return view as ResourceView;
}
