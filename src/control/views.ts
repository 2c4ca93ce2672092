// Resources as the API shows them: relationship arrays derived from the stored configuration
// at read time, statuses overlaid, private keys removed.

import type { AnyResource, IdRef, ResourceByKind, ResourceKind } from '../model/types.js';
import type { StoreContents } from '../store/store.js';
import type { ResourceView } from './control-plane.js';
import type { ShownStatus } from './statuses.js';

const ids = (items: readonly { id: string }[]): IdRef[] => items.map(({ id }) => ({ id }));

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Who refers to whom, indexed once per read. */
export class Relations {
  readonly listenersByLb;
  readonly poolsByLb;
  readonly policiesByListener;
  readonly rulesByPolicy;
  readonly membersByPool;
  readonly monitorByPool;
  readonly listenersByDefaultPool;
  readonly policiesByRedirectPool;
  readonly listenersByIpGroup;
  readonly byId: Map<string, AnyResource>;

  constructor(readonly resources: StoreContents['resources']) {
    this.listenersByLb = groupBy(resources.listener, (l) => l.loadbalancer_id);
    this.poolsByLb = groupBy(resources.pool, (p) => p.loadbalancer_id);
    this.policiesByListener = groupBy(resources.l7policy, (p) => p.listener_id);
    for (const policies of this.policiesByListener.values()) policies.sort((a, b) => a.position - b.position);
    this.rulesByPolicy = groupBy(resources.l7rule, (r) => r.l7policy_id);
    this.membersByPool = groupBy(resources.member, (m) => m.pool_id);
    this.monitorByPool = new Map(resources.healthmonitor.map((hm) => [hm.pool_id, hm]));
    this.listenersByDefaultPool = groupBy(resources.listener, (l) => l.default_pool_id);
    this.policiesByRedirectPool = groupBy(resources.l7policy, (p) => p.redirect_pool_id);
    this.listenersByIpGroup = groupBy(resources.listener, (l) => l.ipgroup?.ipgroup_id ?? null);
    this.byId = new Map(Object.values(resources).flatMap((list: readonly AnyResource[]) => list.map((r) => [r.id, r] as const)));
  }

  /** Listeners that send to a pool: as default pool or through a policy. */
  poolListeners(poolId: string): IdRef[] {
    const listenerIds = new Set((this.listenersByDefaultPool.get(poolId) ?? []).map((l) => l.id));
    for (const policy of this.policiesByRedirectPool.get(poolId) ?? []) listenerIds.add(policy.listener_id);
    return [...listenerIds].map((id) => ({ id }));
  }
}

type Derive<K extends ResourceKind> = (resource: ResourceByKind[K], relations: Relations) => Record<string, unknown>;

const DERIVED: { [K in ResourceKind]: Derive<K> } = {
  loadbalancer: (lb, r) => ({ listeners: ids(r.listenersByLb.get(lb.id) ?? []), pools: ids(r.poolsByLb.get(lb.id) ?? []) }),
  listener: (l, r) => ({ loadbalancers: [{ id: l.loadbalancer_id }], l7policies: ids(r.policiesByListener.get(l.id) ?? []) }),
  pool: (p, r) => ({
    loadbalancers: [{ id: p.loadbalancer_id }],
    listeners: r.poolListeners(p.id),
    members: ids(r.membersByPool.get(p.id) ?? []),
    healthmonitor_id: r.monitorByPool.get(p.id)?.id ?? null,
  }),
  member: () => ({}),
  healthmonitor: (hm) => ({ pools: [{ id: hm.pool_id }] }),
  l7policy: (p, r) => ({ rules: ids(r.rulesByPolicy.get(p.id) ?? []) }),
  l7rule: () => ({}),
  certificate: () => ({}),
  ipgroup: (g, r) => ({ listeners: ids(r.listenersByIpGroup.get(g.id) ?? []) }),
};

export function renderView<K extends ResourceKind>(kind: K, resource: ResourceByKind[K], relations: Relations, statuses: Map<string, ShownStatus>): ResourceView {
  const view: Record<string, unknown> = { ...resource, ...(DERIVED[kind] as Derive<K>)(resource, relations), ...statuses.get(resource.id) };
  // A stored certificate's private key never leaves through the API.
  delete view.private_key;
  return view as ResourceView;
}
