// Reads what the API holds into the planner's ActualState: everything under the load balancers
// the file names, and just the list of the others (they are only ever pruned whole).
import type { ApiClient, ApiObject } from '../api-client.js';
import { collectionPath, RESOURCES } from '../resources.js';
import type { ActualLoadBalancer, ActualState } from './state.js';
import type { ResourceKind } from '../../model/types.js';

export async function fetchActual(client: ApiClient, loadBalancerNames: ReadonlySet<string>): Promise<ActualState> {
  const list = (kind: ResourceKind, parentId?: string): Promise<ApiObject[]> => client.listAll(collectionPath(RESOURCES[kind], parentId), RESOURCES[kind].plural);
  const [loadbalancers, certificates, ipgroups] = await Promise.all([list('loadbalancer'), list('certificate'), list('ipgroup')]);
  const inFile = loadbalancers.filter((lb) => loadBalancerNames.has(String(lb.name)));
  if (inFile.length === 0) return { certificates, ipgroups, loadbalancers: loadbalancers.map((resource) => ({ resource, listeners: [], pools: [] })) };

  const [listeners, pools, healthmonitors, l7policies] = await Promise.all([list('listener'), list('pool'), list('healthmonitor'), list('l7policy')]);
  const lbIds = new Set(inFile.map((lb) => lb.id));
  const ourPools = pools.filter((p) => lbIds.has(ownerOf(p)));
  const ourListeners = listeners.filter((l) => lbIds.has(ownerOf(l)));
  const ourPolicies = l7policies.filter((p) => ourListeners.some((l) => l.id === p.listener_id));
  const [members, rules] = await Promise.all([
    Promise.all(ourPools.map((p) => list('member', p.id))),
    Promise.all(ourPolicies.map((p) => list('l7rule', p.id))),
  ]);
  const membersOf = new Map(ourPools.map((p, i) => [p.id, members[i] ?? []]));
  const rulesOf = new Map(ourPolicies.map((p, i) => [p.id, rules[i] ?? []]));

  const tree = (lb: ApiObject): ActualLoadBalancer => {
    if (!lbIds.has(lb.id)) return { resource: lb, listeners: [], pools: [] };
    return {
      resource: lb,
      listeners: ourListeners
        .filter((l) => ownerOf(l) === lb.id)
        .map((l) => ({
          resource: l,
          l7policies: ourPolicies.filter((p) => p.listener_id === l.id).map((p) => ({ resource: p, rules: rulesOf.get(p.id) ?? [] })),
        })),
      pools: ourPools
        .filter((p) => ownerOf(p) === lb.id)
        .map((p) => ({ resource: p, members: membersOf.get(p.id) ?? [], healthmonitor: healthmonitors.find((h) => h.pool_id === p.id) })),
    };
  };
  return { certificates, ipgroups, loadbalancers: loadbalancers.map(tree) };
}

/** The load balancer a listener or pool belongs to (`loadbalancer_id`, else Octavia's `loadbalancers[0]`). */
function ownerOf(resource: ApiObject): string {
  if (typeof resource.loadbalancer_id === 'string') return resource.loadbalancer_id;
  const first = (resource.loadbalancers as { id?: unknown }[] | undefined)?.[0]?.id;
  return typeof first === 'string' ? first : '';
}
