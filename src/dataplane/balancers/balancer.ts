// The one extension point for load-balancing algorithms. The pool runtime has already narrowed
// the members to the candidates that may take a new connection (available, not excluded, primary
// before backup), so an algorithm only chooses; it never filters.

import type { ClientAddress, MemberRuntime } from '../listener-runtime.js';

export interface Balancer {
  /** Chooses one of `candidates` (never empty; every weight > 0) for a new connection from `client`. */
  pick(candidates: readonly MemberRuntime[], client: ClientAddress): MemberRuntime;
}

export interface BalancerOptions {
  /**
   * Where ROUND_ROBIN starts: the data plane workers of one node each pass their own index, so
   * that they do not all send their first connections to the same member.
   */
  readonly startOffset?: number;
}

export type BalancerFactory = (options?: BalancerOptions) => Balancer;
