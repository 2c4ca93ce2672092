// The one extension point for load-balancing algorithms. The pool runtime has already narrowed
// the members to the candidates that may take a new connection (available, not excluded, primary
// before backup), so an algorithm only chooses; it never filters.

import type { ClientAddress, MemberRuntime } from '../listener-runtime.js';

export interface Balancer {
  /** Chooses one of `candidates` (never empty; every weight > 0) for a new connection from `client`. */
  pick(candidates: readonly MemberRuntime[], client: ClientAddress): MemberRuntime;
}

export type BalancerFactory = () => Balancer;
