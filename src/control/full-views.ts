// Octavia's "full" responses: a load balancer created in one call answers with its listeners and
// pools as whole objects, not ids (LoadBalancerFullResponse), each listener with its policies and
// their rules, each pool with its members and health monitor.

import type { L7Policy, Listener, LoadBalancer, Pool } from '../model/types.js';
import type { ResourceView } from './control-plane.js';
import { renderView, type Relations, type StatusLookup } from './views.js';

function fullPolicy(policy: L7Policy, relations: Relations, statuses: StatusLookup): ResourceView {
  return {
    ...renderView('l7policy', policy, relations, statuses),
    rules: relations.view.children('rulesByPolicy', policy.id).map((rule) => renderView('l7rule', rule, relations, statuses)),
  };
}

function fullListener(listener: Listener, relations: Relations, statuses: StatusLookup): ResourceView {
  return {
    ...renderView('listener', listener, relations, statuses),
    l7policies: relations.policiesOfListener(listener.id).map((policy) => fullPolicy(policy, relations, statuses)),
  };
}

function fullPool(pool: Pool, relations: Relations, statuses: StatusLookup): ResourceView {
  const monitor = relations.monitorOfPool(pool.id);
  return {
    ...renderView('pool', pool, relations, statuses),
    members: relations.view.children('membersByPool', pool.id).map((member) => renderView('member', member, relations, statuses)),
    healthmonitor: monitor === undefined ? null : renderView('healthmonitor', monitor, relations, statuses),
  };
}

/** A load balancer with its listeners and pools as whole objects. */
export function fullLoadBalancerView(lb: LoadBalancer, relations: Relations, statuses: StatusLookup): ResourceView {
  return {
    ...renderView('loadbalancer', lb, relations, statuses),
    listeners: relations.listenersOfLb(lb.id).map((listener) => fullListener(listener, relations, statuses)),
    pools: relations.view.children('poolsByLb', lb.id).map((pool) => fullPool(pool, relations, statuses)),
  };
}
