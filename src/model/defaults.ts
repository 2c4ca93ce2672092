// The default of every field a client may omit when it creates a resource: Octavia v2's
// (api-ref and api/v2/types/*.py) unless marked as a Huawei ELB or elbow extension.
// The control plane spreads these under the client's body; nothing else invents defaults.

import type {
  Certificate,
  HealthMonitor,
  HealthMonitorType,
  IpGroup,
  L7Action,
  L7Policy,
  L7Rule,
  Listener,
  LoadBalancer,
  Member,
  Pool,
  PoolProtocol,
} from './types.js';
import { HTTP_HEALTH_MONITOR_TYPES } from './protocols.js';

export const LOADBALANCER_DEFAULTS = {
  name: '',
  description: '',
  admin_state_up: true,
  /** Huawei extension: only `classic` load balancers take SSL listeners. */
  type: 'standard',
  vip_port_id: null,
  vip_subnet_id: null,
  vip_network_id: null,
  vip_qos_policy_id: null,
  /** Octavia's default is its amphora driver; elbow is its own provider. */
  provider: 'elbow',
  flavor_id: null,
  availability_zone: null,
  tags: [],
} satisfies Partial<LoadBalancer>;

export const LISTENER_DEFAULTS = {
  name: '',
  description: '',
  admin_state_up: true,
  /** -1 = unlimited. */
  connection_limit: -1,
  default_pool_id: null,
  default_tls_container_ref: null,
  sni_container_refs: [],
  client_ca_tls_container_ref: null,
  client_authentication: 'NONE',
  client_crl_container_ref: null,
  insert_headers: {},
  /** Milliseconds of client inactivity before the connection is closed. */
  timeout_client_data: 50000,
  /** Milliseconds to wait for a backend connection. */
  timeout_member_connect: 5000,
  /** Milliseconds of backend inactivity before the connection is closed. */
  timeout_member_data: 50000,
  /** Milliseconds to wait for more data to inspect (L7); 0 = do not wait. */
  timeout_tcp_inspect: 0,
  /** null = every client may connect. */
  allowed_cidrs: null,
  /** null = elbow's default ciphers / versions / ALPN (snapshot.ts). */
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
  hsts_max_age: null,
  hsts_include_subdomains: false,
  hsts_preload: false,
  /** Huawei extension: no IP address group. */
  ipgroup: null,
  /** elbow extension: no access log. */
  access_log: false,
  tags: [],
} satisfies Partial<Listener>;

export const POOL_DEFAULTS = {
  name: '',
  description: '',
  admin_state_up: true,
  session_persistence: null,
  healthmonitor_id: null,
  tls_enabled: false,
  tls_container_ref: null,
  ca_tls_container_ref: null,
  crl_container_ref: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
  tags: [],
} satisfies Partial<Pool>;

export const SESSION_PERSISTENCE_DEFAULTS = {
  cookie_name: null,
  /** Seconds a SOURCE_IP binding lasts; null = the data plane's default. */
  persistence_timeout: null,
  persistence_granularity: null,
};

export const MEMBER_DEFAULTS = {
  name: '',
  admin_state_up: true,
  /** 0–256; 0 = no new connections. */
  weight: 1,
  backup: false,
  subnet_id: null,
  /** null = probe address / protocol_port. */
  monitor_address: null,
  monitor_port: null,
  tags: [],
} satisfies Partial<Member>;

/** The spec's IIS default: HTTP backends listen on 80. Other pools need an explicit port. */
export function defaultMemberPort(poolProtocol: PoolProtocol): number | undefined {
  return poolProtocol === 'HTTP' ? 80 : undefined;
}

export const HEALTH_MONITOR_DEFAULTS = {
  name: '',
  admin_state_up: true,
  /** Consecutive failures that take a member down. */
  max_retries_down: 3,
  /** null = HTTP/1.0, as Octavia. */
  http_version: null,
  domain_name: null,
  tags: [],
} satisfies Partial<HealthMonitor>;

/** HTTP(S) monitors probe `GET /` and want a 200; other types carry no HTTP fields. */
export function healthMonitorHttpDefaults(type: HealthMonitorType): Pick<HealthMonitor, 'http_method' | 'url_path' | 'expected_codes'> {
  return HTTP_HEALTH_MONITOR_TYPES[type]
    ? { http_method: 'GET', url_path: '/', expected_codes: '200' }
    : { http_method: null, url_path: null, expected_codes: null };
}

export const L7_POLICY_DEFAULTS = {
  name: '',
  description: '',
  admin_state_up: true,
  redirect_pool_id: null,
  redirect_url: null,
  redirect_prefix: null,
  redirect_listener_id: null,
  fixed_response_config: null,
  tags: [],
} satisfies Partial<L7Policy>;

/** Redirects answer 302 unless told otherwise (Octavia); other actions have no redirect code. */
export function defaultRedirectHttpCode(action: L7Action): number | null {
  return action === 'REDIRECT_TO_URL' || action === 'REDIRECT_PREFIX' || action === 'REDIRECT_TO_LISTENER' ? 302 : null;
}

export const L7_RULE_DEFAULTS = {
  admin_state_up: true,
  key: null,
  invert: false,
  tags: [],
} satisfies Partial<L7Rule>;

export const CERTIFICATE_DEFAULTS = {
  name: '',
  description: '',
  /** Huawei extension: a server certificate (with private key) unless `client` (a CA bundle). */
  type: 'server',
} satisfies Partial<Certificate>;

export const IPGROUP_DEFAULTS = {
  name: '',
  description: '',
  tags: [],
} satisfies Partial<IpGroup>;

/** Description of an ip_list entry when the client gives none. */
export const IPGROUP_ENTRY_DESCRIPTION_DEFAULT = '';
