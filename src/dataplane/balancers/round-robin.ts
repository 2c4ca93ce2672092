// ROUND_ROBIN: nginx's smooth weighted round robin. Every pick adds each candidate's weight to its
// current value and takes the largest, which then gives back the total. Weights 5,1,1 give
// a a b a c a a rather than a a a a a b c, and a candidate set that changes between picks
// (a member excluded for a retry, one going down) needs no reset.

import type { MemberRuntime } from '../listener-runtime.js';
import type { Balancer, BalancerOptions } from './balancer.js';

export function createRoundRobinBalancer(options: BalancerOptions = {}): Balancer {
  const current = new Map<string, number>();
  let skip = options.startOffset ?? 0;
  const balancer: Balancer = {
    pick(candidates, client) {
      // A later start: the first pick passes over `startOffset` turns (modulo the pool's size).
      if (skip > 0) {
        const turns = skip % candidates.length;
        skip = 0;
        for (let i = 0; i < turns; i++) balancer.pick(candidates, client);
      }
      let total = 0;
      let best = candidates[0] as MemberRuntime;
      let bestValue = -Infinity;
      for (const member of candidates) {
        const weight = member.config.weight;
        const value = (current.get(member.id) ?? 0) + weight;
        current.set(member.id, value);
        total += weight;
        if (value > bestValue) {
          best = member;
          bestValue = value;
        }
      }
      current.set(best.id, bestValue - total);
      // Forget members that left the pool so the table stays the size of the pool.
      if (current.size > candidates.length * 2 + 16) {
        const live = new Set(candidates.map((m) => m.id));
        for (const id of current.keys()) if (!live.has(id)) current.delete(id);
      }
      return best;
    },
  };
  return balancer;
}
