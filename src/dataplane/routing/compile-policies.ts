// A listener's forwarding policies compiled once per snapshot into one function from request facts
// to a routing decision. Policies are tried in position order; the first whose rules all match
// decides; when none matches the request goes to the listener's default pool. A policy without
// rules never matches (Octavia renders only policies that have rules).

import type { ListenerProtocol } from '../../model/types.js';
import type { SnapshotListener, SnapshotPolicy, SnapshotRule } from '../../snapshot/snapshot.js';
import { compileRule, type RequestPredicate } from './compile-rule.js';
import type { RequestFacts } from './request-facts.js';

export type RoutingDecision =
  /** poolId null: no pool to send to (no default pool) → 503. */
  | { readonly kind: 'pool'; readonly poolId: string | null }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  | { readonly kind: 'reject' }
  | { readonly kind: 'fixed'; readonly status: number; readonly contentType: string; readonly body: string };

export type Router = (facts: RequestFacts) => RoutingDecision;

/** Octavia's default redirect_http_code. */
const DEFAULT_REDIRECT_CODE = 302;

const SCHEME_OF_LISTENER: Record<ListenerProtocol, string> = {
  HTTP: 'http',
  HTTPS: 'https',
  TERMINATED_HTTPS: 'https',
  TCP: 'http',
  UDP: 'http',
  SSL: 'https',
};

function pathAndQuery(facts: RequestFacts): string {
  return facts.query === '' ? facts.path : `${facts.path}?${facts.query}`;
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The decision a matched policy makes, prepared once per snapshot. */
function compileAction(policy: SnapshotPolicy, listenerAddress: string): (facts: RequestFacts) => RoutingDecision {
  const status = policy.redirectHttpCode ?? DEFAULT_REDIRECT_CODE;
  switch (policy.action) {
    case 'REDIRECT_TO_POOL': {
      const decision: RoutingDecision = { kind: 'pool', poolId: policy.redirectPoolId };
      return () => decision;
    }
    case 'REDIRECT_TO_URL': {
      const decision: RoutingDecision = { kind: 'redirect', status, location: policy.redirectUrl ?? '/' };
      return () => decision;
    }
    case 'REDIRECT_PREFIX': {
      const prefix = (policy.redirectPrefix ?? '').replace(/\/$/, '');
      return (facts) => ({ kind: 'redirect', status, location: prefix + pathAndQuery(facts) });
    }
    case 'REDIRECT_TO_LISTENER': {
      const target = policy.redirectListener;
      if (target === null) return () => ({ kind: 'reject' });
      const scheme = SCHEME_OF_LISTENER[target.protocol];
      return (facts) => ({
        kind: 'redirect',
        status,
        // Same host as the client asked for; a request without Host goes to the VIP.
        location: `${scheme}://${formatHost(facts.host || listenerAddress)}:${target.port}${pathAndQuery(facts)}`,
      });
    }
    case 'REJECT': {
      const decision: RoutingDecision = { kind: 'reject' };
      return () => decision;
    }
    case 'FIXED_RESPONSE': {
      const config = policy.fixedResponse;
      const decision: RoutingDecision = {
        kind: 'fixed',
        status: Number(config?.status_code ?? 200),
        contentType: config?.content_type ?? 'text/plain',
        body: config?.message_body ?? '',
      };
      return () => decision;
    }
  }
}

export interface CompiledPolicy {
  readonly id: string;
  readonly matches: RequestPredicate;
  readonly decide: (facts: RequestFacts) => RoutingDecision;
}

export function compilePolicies(
  listener: Pick<SnapshotListener, 'policies' | 'defaultPoolId' | 'address'>,
  onInvalidRule: (rule: SnapshotRule, error: Error) => void = () => {},
): Router {
  const fallback: RoutingDecision = { kind: 'pool', poolId: listener.defaultPoolId };
  const policies: CompiledPolicy[] = [...listener.policies]
    .filter((policy) => policy.rules.length > 0)
    .sort((a, b) => a.position - b.position)
    .map((policy) => {
      const rules = policy.rules.map((rule) => compileRule(rule, onInvalidRule));
      return { id: policy.id, matches: (facts) => rules.every((rule) => rule(facts)), decide: compileAction(policy, listener.address) };
    });
  if (policies.length === 0) return () => fallback;
  return (facts) => {
    for (const policy of policies) {
      if (policy.matches(facts)) return policy.decide(facts);
    }
    return fallback;
  };
}
