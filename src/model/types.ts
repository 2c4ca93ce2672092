// The resources of elbow, in Octavia v2's field names (design.md §3) so that the stored shape, the
// API shape and the model are one and the same. Huawei ELB extensions are marked.
// Every field's default is documented in defaults.ts where it is applied.

export type ProvisioningStatus = 'ACTIVE' | 'ERROR' | 'DELETED' | 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE';
export type OperatingStatus = 'ONLINE' | 'OFFLINE' | 'DEGRADED' | 'ERROR' | 'NO_MONITOR' | 'DRAINING';

export const LISTENER_PROTOCOLS = ['TCP', 'UDP', 'HTTP', 'HTTPS', 'TERMINATED_HTTPS', 'SSL'] as const;
export type ListenerProtocol = (typeof LISTENER_PROTOCOLS)[number];

export const POOL_PROTOCOLS = ['TCP', 'UDP', 'HTTP', 'HTTPS', 'PROXY', 'PROXYV2'] as const;
export type PoolProtocol = (typeof POOL_PROTOCOLS)[number];

export const LB_ALGORITHMS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP', 'SOURCE_IP_PORT'] as const;
export type LbAlgorithm = (typeof LB_ALGORITHMS)[number];

export const SESSION_PERSISTENCE_TYPES = ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'] as const;
export type SessionPersistenceType = (typeof SESSION_PERSISTENCE_TYPES)[number];

export const HEALTH_MONITOR_TYPES = ['TCP', 'HTTP', 'HTTPS', 'PING', 'TLS-HELLO', 'UDP-CONNECT', 'SCTP'] as const;
export type HealthMonitorType = (typeof HEALTH_MONITOR_TYPES)[number];

export const L7_ACTIONS = ['REDIRECT_TO_POOL', 'REDIRECT_TO_URL', 'REDIRECT_PREFIX', 'REJECT', 'FIXED_RESPONSE', 'REDIRECT_TO_LISTENER'] as const;
export type L7Action = (typeof L7_ACTIONS)[number];

export const L7_RULE_TYPES = ['HOST_NAME', 'PATH', 'HEADER', 'COOKIE', 'FILE_TYPE', 'METHOD', 'QUERY_STRING', 'SOURCE_IP', 'SSL_CONN_HAS_CERT', 'SSL_VERIFY_RESULT', 'SSL_DN_FIELD'] as const;
export type L7RuleType = (typeof L7_RULE_TYPES)[number];

export const L7_COMPARE_TYPES = ['EQUAL_TO', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'REGEX'] as const;
export type L7CompareType = (typeof L7_COMPARE_TYPES)[number];

export type Transport = 'tcp' | 'udp';
export type LoadBalancerType = 'standard' | 'classic';
export type ClientAuthentication = 'NONE' | 'OPTIONAL' | 'MANDATORY';

/** The resource kinds, as the API names their collections' singular. */
export const RESOURCE_KINDS = ['loadbalancer', 'listener', 'pool', 'member', 'healthmonitor', 'l7policy', 'l7rule', 'certificate', 'ipgroup'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface IdRef { id: string }

/** Fields every stored resource has. */
export interface ResourceBase {
  id: string;
  project_id: string;
  created_at: string;
  updated_at: string | null;
}

export interface Tagged { tags: string[] }

export interface Statuses {
  provisioning_status: ProvisioningStatus;
  operating_status: OperatingStatus;
}

export interface LoadBalancer extends ResourceBase, Tagged, Statuses {
  name: string;
  description: string;
  admin_state_up: boolean;
  /** Huawei extension: `classic` load balancers may carry SSL listeners. */
  type: LoadBalancerType;
  vip_address: string;
  vip_port_id: string | null;
  vip_subnet_id: string | null;
  vip_network_id: string | null;
  vip_qos_policy_id: string | null;
  provider: string;
  flavor_id: string | null;
  availability_zone: string | null;
  listeners: IdRef[];
  pools: IdRef[];
}

export interface ListenerIpGroup {
  ipgroup_id: string;
  enable_ipgroup: boolean;
  type: 'white' | 'black';
}

export interface Listener extends ResourceBase, Tagged, Statuses {
  name: string;
  description: string;
  admin_state_up: boolean;
  loadbalancer_id: string;
  loadbalancers: IdRef[];
  protocol: ListenerProtocol;
  protocol_port: number;
  connection_limit: number;
  default_pool_id: string | null;
  default_tls_container_ref: string | null;
  sni_container_refs: string[];
  client_ca_tls_container_ref: string | null;
  client_authentication: ClientAuthentication;
  client_crl_container_ref: string | null;
  insert_headers: Record<string, string>;
  timeout_client_data: number;
  timeout_member_connect: number;
  timeout_member_data: number;
  timeout_tcp_inspect: number;
  allowed_cidrs: string[] | null;
  tls_ciphers: string | null;
  tls_versions: string[] | null;
  alpn_protocols: string[] | null;
  hsts_max_age: number | null;
  hsts_include_subdomains: boolean;
  hsts_preload: boolean;
  l7policies: IdRef[];
  /** Huawei extension: white/black list by IP address group. */
  ipgroup: ListenerIpGroup | null;
  /** elbow extension: write a JSON-lines access log for this listener. */
  access_log: boolean;
}

export interface SessionPersistence {
  type: SessionPersistenceType;
  cookie_name: string | null;
  persistence_timeout: number | null;
  persistence_granularity: string | null;
}

export interface Pool extends ResourceBase, Tagged, Statuses {
  name: string;
  description: string;
  admin_state_up: boolean;
  protocol: PoolProtocol;
  lb_algorithm: LbAlgorithm;
  session_persistence: SessionPersistence | null;
  loadbalancer_id: string;
  loadbalancers: IdRef[];
  listeners: IdRef[];
  members: IdRef[];
  healthmonitor_id: string | null;
  tls_enabled: boolean;
  tls_container_ref: string | null;
  ca_tls_container_ref: string | null;
  crl_container_ref: string | null;
  tls_ciphers: string | null;
  tls_versions: string[] | null;
  alpn_protocols: string[] | null;
}

export interface Member extends ResourceBase, Tagged, Statuses {
  name: string;
  pool_id: string;
  admin_state_up: boolean;
  address: string;
  protocol_port: number;
  weight: number;
  backup: boolean;
  subnet_id: string | null;
  monitor_address: string | null;
  monitor_port: number | null;
}

export interface HealthMonitor extends ResourceBase, Tagged, Statuses {
  name: string;
  pool_id: string;
  pools: IdRef[];
  admin_state_up: boolean;
  type: HealthMonitorType;
  delay: number;
  timeout: number;
  max_retries: number;
  max_retries_down: number;
  http_method: string | null;
  url_path: string | null;
  expected_codes: string | null;
  http_version: number | null;
  domain_name: string | null;
}

export interface FixedResponseConfig {
  status_code: string;
  content_type: string;
  message_body: string;
}

export interface L7Policy extends ResourceBase, Tagged, Statuses {
  name: string;
  description: string;
  listener_id: string;
  admin_state_up: boolean;
  action: L7Action;
  position: number;
  redirect_pool_id: string | null;
  redirect_url: string | null;
  redirect_prefix: string | null;
  redirect_http_code: number | null;
  /** Huawei extension: target of REDIRECT_TO_LISTENER. */
  redirect_listener_id: string | null;
  /** Huawei extension: body of FIXED_RESPONSE. */
  fixed_response_config: FixedResponseConfig | null;
  rules: IdRef[];
}

export interface L7Rule extends ResourceBase, Tagged, Statuses {
  l7policy_id: string;
  admin_state_up: boolean;
  type: L7RuleType;
  compare_type: L7CompareType;
  key: string | null;
  value: string;
  invert: boolean;
}

/** Huawei extension: a PEM certificate (server: with its private key; client: a CA bundle). */
export interface Certificate extends ResourceBase {
  name: string;
  description: string;
  type: 'server' | 'client';
  /** PEM chain; returned by the API. */
  certificate: string;
  /** Derived metadata, shown by the API. */
  subject: string;
  subject_alt_names: string[];
  not_before: string;
  expires_at: string;
  fingerprint: string;
}

/** A certificate as stored: the private key never leaves the store through the API. */
export interface StoredCertificate extends Certificate {
  private_key: string | null;
}

export interface IpGroupEntry { ip: string; description: string }

/** Huawei extension: a list of IP addresses / CIDRs a listener can white- or black-list. */
export interface IpGroup extends ResourceBase, Tagged {
  name: string;
  description: string;
  ip_list: IpGroupEntry[];
  listeners: IdRef[];
}

export interface ResourceByKind {
  loadbalancer: LoadBalancer;
  listener: Listener;
  pool: Pool;
  member: Member;
  healthmonitor: HealthMonitor;
  l7policy: L7Policy;
  l7rule: L7Rule;
  certificate: StoredCertificate;
  ipgroup: IpGroup;
}
export type AnyResource = ResourceByKind[ResourceKind];
