// Octavia's GET /loadbalancers/{id}/status tree and the stats endpoints.

import type { ListenerStats } from '../snapshot/snapshot.js';
import type { Relations, StatusLookup } from './views.js';
import type { LoadBalancer } from '../model/types.js';

const ZERO_STATS: ListenerStats = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 };

export function statusTree(lb: LoadBalancer, relations: Relations, statuses: StatusLookup): Record<string, unknown> {
  const status = (id: string) => statuses.get(id) ?? { provisioning_status: 'ACTIVE', operating_status: 'ONLINE' };
  // Pools appear in creation order; those of this load balancer are the ones listeners can use.
  const pools = relations.view.children('poolsByLb', lb.id);
  const listeners = relations.listenersOfLb(lb.id).map((listener) => {
    const poolIds = new Set<string>();
    if (listener.default_pool_id !== null) poolIds.add(listener.default_pool_id);
    for (const policy of relations.policiesOfListener(listener.id)) if (policy.redirect_pool_id !== null) poolIds.add(policy.redirect_pool_id);
    return {
      id: listener.id,
      name: listener.name,
      ...status(listener.id),
      pools: [
        ...pools.filter((pool) => poolIds.has(pool.id)),
        // The API keeps pools on their listener's load balancer; any other is shown after.
        ...[...poolIds].filter((id) => !pools.some((pool) => pool.id === id)).flatMap((id) => relations.view.get('pool', id) ?? []),
      ]
        .map((pool) => {
          const monitor = relations.monitorOfPool(pool.id);
          return {
            id: pool.id,
            name: pool.name,
            ...status(pool.id),
            ...(monitor ? { health_monitor: { id: monitor.id, name: monitor.name, type: monitor.type, ...status(monitor.id) } } : {}),
            members: relations.view.children('membersByPool', pool.id).map((m) => ({
              id: m.id,
              name: m.name,
              address: m.address,
              protocol_port: m.protocol_port,
              ...status(m.id),
            })),
          };
        }),
    };
  });
  return { statuses: { loadbalancer: { id: lb.id, name: lb.name, ...status(lb.id), listeners } } };
}

/** A listener's counters, or the sum over a load balancer's listeners; zeros without a data plane. */
export function sumStats(listenerIds: readonly string[], live: Readonly<Record<string, ListenerStats>> | undefined): ListenerStats {
  const total = { ...ZERO_STATS };
  for (const id of listenerIds) {
    const stats = live?.[id];
    if (!stats) continue;
    for (const key of Object.keys(total) as (keyof ListenerStats)[]) total[key] += stats[key];
  }
  return total;
}
