// LEAST_CONNECTIONS, weighted: the candidate with the fewest active connections per unit of
// weight. Ties (an idle pool, say) go to smooth weighted round robin among the tied, as nginx's
// least_conn does, so an idle pool still spreads by weight.

import type { MemberRuntime } from '../listener-runtime.js';
import type { Balancer } from './balancer.js';
import { createRoundRobinBalancer } from './round-robin.js';

export function createLeastConnectionsBalancer(): Balancer {
  const tieBreaker = createRoundRobinBalancer();
  return {
    pick(candidates, client) {
      let best: MemberRuntime[] = [];
      let bestActive = 0;
      let bestWeight = 1;
      for (const member of candidates) {
        const active = member.activeConnections;
        const weight = member.config.weight;
        // active/weight < bestActive/bestWeight, without dividing.
        const order = best.length === 0 ? -1 : active * bestWeight - bestActive * weight;
        if (order < 0) {
          best = [member];
          bestActive = active;
          bestWeight = weight;
        } else if (order === 0) {
          best.push(member);
        }
      }
      return best.length === 1 ? (best[0] as MemberRuntime) : tieBreaker.pick(best, client);
    },
  };
}
