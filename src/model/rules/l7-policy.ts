// Forwarding policy (l7policy) rules: each action's required fields, valid redirect codes and
// fixed responses, L7 only on HTTP-speaking listeners, REDIRECT_TO_LISTENER from HTTP to an
// HTTPS listener of the same load balancer.

import { ElbowError } from '../../errors.js';
import { HTTP_LISTENER_PROTOCOLS, REDIRECT_SOURCE_PROTOCOLS, REDIRECT_TARGET_PROTOCOLS } from '../protocols.js';
import type { L7Action, L7Policy, Listener } from '../types.js';

export const REDIRECT_HTTP_CODES = [301, 302, 303, 307, 308] as const;

/** The field each action needs; the others are cleared when the action is set. */
const ACTION_FIELD = {
  REDIRECT_TO_POOL: 'redirect_pool_id',
  REDIRECT_TO_URL: 'redirect_url',
  REDIRECT_PREFIX: 'redirect_prefix',
  REJECT: null,
  FIXED_RESPONSE: 'fixed_response_config',
  REDIRECT_TO_LISTENER: 'redirect_listener_id',
} as const satisfies Record<L7Action, keyof L7Policy | null>;

const REDIRECTS: readonly L7Action[] = ['REDIRECT_TO_URL', 'REDIRECT_PREFIX', 'REDIRECT_TO_LISTENER'];

export type L7PolicyActionFields = Pick<
  L7Policy,
  'action' | 'redirect_pool_id' | 'redirect_url' | 'redirect_prefix' | 'redirect_http_code' | 'redirect_listener_id' | 'fixed_response_config'
>;

const invalid = (detail: string) => new ElbowError('L7_POLICY_INVALID', { detail });

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Clears the action-specific fields the action does not use, as Octavia does on update. */
export function clearUnusedActionFields<P extends L7PolicyActionFields>(policy: P): P {
  const keep = ACTION_FIELD[policy.action];
  const cleared = { ...policy };
  for (const field of Object.values(ACTION_FIELD)) if (field !== null && field !== keep) cleared[field] = null;
  if (!REDIRECTS.includes(policy.action)) cleared.redirect_http_code = null;
  return cleared;
}

/** L7_POLICY_INVALID naming the field the action lacks or gets wrong. */
export function checkL7PolicyAction(policy: L7PolicyActionFields): void {
  const field = ACTION_FIELD[policy.action];
  if (field !== null && policy[field] === null) throw invalid(`action ${policy.action} requires ${field}`);
  if (policy.redirect_url !== null && !isHttpUrl(policy.redirect_url)) throw invalid(`redirect_url ${JSON.stringify(policy.redirect_url)} is not an http(s) URL`);
  if (policy.redirect_prefix !== null && !isHttpUrl(policy.redirect_prefix)) throw invalid(`redirect_prefix ${JSON.stringify(policy.redirect_prefix)} is not an http(s) URL`);
  const code = policy.redirect_http_code;
  if (code !== null && !(REDIRECT_HTTP_CODES as readonly number[]).includes(code)) {
    throw invalid(`redirect_http_code ${code} must be one of ${REDIRECT_HTTP_CODES.join(', ')}`);
  }
  const fixed = policy.fixed_response_config;
  if (fixed !== null) {
    const status = Number(fixed.status_code);
    if (!/^\d{3}$/.test(fixed.status_code) || status < 200 || status > 599) {
      throw invalid(`fixed_response_config.status_code ${JSON.stringify(fixed.status_code)} must be 200-599`);
    }
  }
}

/** Forwarding policies read HTTP, so their listener must speak it. */
export function checkL7Listener(listener: Pick<Listener, 'id' | 'protocol'>): void {
  if (!HTTP_LISTENER_PROTOCOLS[listener.protocol]) {
    throw invalid(`listener ${listener.id} is ${listener.protocol}; forwarding policies need an HTTP, HTTPS or TERMINATED_HTTPS listener (listener_id)`);
  }
}

/** REDIRECT_TO_LISTENER: from an HTTP listener to an HTTPS/TERMINATED_HTTPS listener of the same load balancer. */
export function checkRedirectListener(source: Pick<Listener, 'id' | 'protocol' | 'loadbalancer_id'>, target: Pick<Listener, 'id' | 'protocol' | 'loadbalancer_id'>): void {
  if (!REDIRECT_SOURCE_PROTOCOLS.includes(source.protocol)) {
    throw invalid(`REDIRECT_TO_LISTENER policies belong on HTTP listeners; listener ${source.id} is ${source.protocol}`);
  }
  if (!REDIRECT_TARGET_PROTOCOLS.includes(target.protocol)) {
    throw invalid(`redirect_listener_id ${target.id} is ${target.protocol}; it must be an HTTPS or TERMINATED_HTTPS listener`);
  }
  if (target.loadbalancer_id !== source.loadbalancer_id) {
    throw invalid(`redirect_listener_id ${target.id} belongs to another load balancer`);
  }
}
