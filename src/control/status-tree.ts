// Octavia's GET /loadbalancers/{id}/status tree and the stats endpoints.

import type { ListenerStats } from '../snapshot/snapshot.js';
import type { ShownStatus } from './statuses.js';
import type { Relations } from './views.js';
import type { LoadBalancer } from '../model/types.js';

const ZERO_STATS: ListenerStats = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 };

export function statusTree(lb: LoadBalancer, relations: Relations, statuses: Map<string, ShownStatus>): Record<string, unknown> {
  const status = (id: string) => statuses.get(id) ?? { provisioning_status: 'ACTIVE', operating_status: 'ONLINE' };
  const pools = relations.resources.pool;
  const listeners = (relations.listenersByLb.get(lb.id) ?? []).map((listener) => {
    const poolIds = new Set<string>();
    if (listener.default_pool_id !== null) poolIds.add(listener.default_pool_id);
    for (const policy of relations.policiesByListener.get(listener.id) ?? []) if (policy.redirect_pool_id !== null) poolIds.add(policy.redirect_pool_id);
    return {
      id: listener.id,
      name: listener.name,
      ...status(listener.id),
      pools: pools
        .filter((pool) => poolIds.has(pool.id))
        .map((pool) => {
          const monitor = relations.monitorByPool.get(pool.id);
          return {
            id: pool.id,
            name: pool.name,
            ...status(pool.id),
            ...(monitor ? { health_monitor: { id: monitor.id, name: monitor.name, type: monitor.type, ...status(monitor.id) } } : {}),
            members: (relations.membersByPool.get(pool.id) ?? []).map((m) => ({
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
