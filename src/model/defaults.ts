// The default of every field a client may omit when it creates a resource, as the catalog declares
// it (resources/<kind>.ts: Octavia v2's unless marked as a Huawei ELB or elbow extension), and the
// few defaults that depend on other fields. The control plane spreads these under the client's
// body; nothing else invents defaults.

import type { HealthMonitor, HealthMonitorType, L7Action, PoolProtocol } from './types.js';
import { HTTP_HEALTH_MONITOR_TYPES } from './protocols.js';
import { defaultsOf } from './resources/catalog.js';

export const LOADBALANCER_DEFAULTS = defaultsOf('loadbalancer');
export const LISTENER_DEFAULTS = defaultsOf('listener');
export const POOL_DEFAULTS = defaultsOf('pool');
export const MEMBER_DEFAULTS = defaultsOf('member');
export const HEALTH_MONITOR_DEFAULTS = defaultsOf('healthmonitor');
export const L7_POLICY_DEFAULTS = defaultsOf('l7policy');
export const L7_RULE_DEFAULTS = defaultsOf('l7rule');
export const CERTIFICATE_DEFAULTS = defaultsOf('certificate');
export const IPGROUP_DEFAULTS = defaultsOf('ipgroup');
export const QUOTA_DEFAULTS = defaultsOf('quota');
export const FLAVORPROFILE_DEFAULTS = defaultsOf('flavorprofile');
export const FLAVOR_DEFAULTS = defaultsOf('flavor');
export const AVAILABILITYZONEPROFILE_DEFAULTS = defaultsOf('availabilityzoneprofile');
export const AVAILABILITYZONE_DEFAULTS = defaultsOf('availabilityzone');

export const SESSION_PERSISTENCE_DEFAULTS = {
  cookie_name: null,
  /** Seconds a SOURCE_IP binding lasts; null = the data plane's default. */
  persistence_timeout: null,
  persistence_granularity: null,
};

/** The spec's IIS default: HTTP backends listen on 80. Other pools need an explicit port. */
export function defaultMemberPort(poolProtocol: PoolProtocol): number | undefined {
  return poolProtocol === 'HTTP' ? 80 : undefined;
}

/** HTTP(S) monitors probe `GET /` and want a 200; other types carry no HTTP fields. */
export function healthMonitorHttpDefaults(type: HealthMonitorType): Pick<HealthMonitor, 'http_method' | 'url_path' | 'expected_codes'> {
  return HTTP_HEALTH_MONITOR_TYPES[type]
    ? { http_method: 'GET', url_path: '/', expected_codes: '200' }
    : { http_method: null, url_path: null, expected_codes: null };
}

/** Redirects answer 302 unless told otherwise (Octavia); other actions have no redirect code. */
export function defaultRedirectHttpCode(action: L7Action): number | null {
  return action === 'REDIRECT_TO_URL' || action === 'REDIRECT_PREFIX' || action === 'REDIRECT_TO_LISTENER' ? 302 : null;
}

/** Description of an ip_list entry when the client gives none. */
export const IPGROUP_ENTRY_DESCRIPTION_DEFAULT = '';
