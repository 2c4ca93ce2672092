// The resources of elbow, in Octavia v2's field names (design.md §3) so that the stored shape, the
// API shape and the model are one and the same. The value sets are here; every resource's fields
// are declared once in the catalog (resources/<kind>.ts) and the types below derive from it.

import type { CATALOG } from './resources/catalog.js';
import type { BASE_FIELDS, OPERATING_STATUSES, PROVISIONING_STATUSES, StoredFields } from './resources/field.js';

export type ProvisioningStatus = (typeof PROVISIONING_STATUSES)[number];
export type OperatingStatus = (typeof OPERATING_STATUSES)[number];

export const LISTENER_PROTOCOLS = ['TCP', 'UDP', 'HTTP', 'HTTPS', 'TERMINATED_HTTPS', 'SSL'] as const;
export type ListenerProtocol = (typeof LISTENER_PROTOCOLS)[number];

/** What HTTP listeners do with ambiguous requests (listener desync_mitigation_mode; AWS ALB's modes). */
export const DESYNC_MITIGATION_MODES = ['defensive', 'strictest', 'monitor'] as const;
export type DesyncMitigationMode = (typeof DESYNC_MITIGATION_MODES)[number];

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
export const RESOURCE_KINDS = [
  'loadbalancer',
  'listener',
  'pool',
  'member',
  'healthmonitor',
  'l7policy',
  'l7rule',
  'certificate',
  'ipgroup',
  'quota',
  'flavorprofile',
  'flavor',
  'availabilityzoneprofile',
  'availabilityzone',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Fields every stored resource has. */
export type ResourceBase = StoredFields<typeof BASE_FIELDS>;

type Stored<K extends ResourceKind> = StoredFields<(typeof CATALOG)[K]['fields']>;

export type LoadBalancer = ResourceBase & Stored<'loadbalancer'>;
export type Listener = ResourceBase & Stored<'listener'>;
export type Pool = ResourceBase & Stored<'pool'>;
export type Member = ResourceBase & Stored<'member'>;
export type HealthMonitor = ResourceBase & Stored<'healthmonitor'>;
export type L7Policy = ResourceBase & Stored<'l7policy'>;
export type L7Rule = ResourceBase & Stored<'l7rule'>;
/** A certificate as stored: the private key never leaves the store through the API. */
export type StoredCertificate = ResourceBase & Stored<'certificate'>;
/** A certificate as the API shows it. */
export type Certificate = Omit<StoredCertificate, 'private_key'>;
export type IpGroup = ResourceBase & Stored<'ipgroup'>;
/** A project's limits; its id is the project id. */
export type Quota = ResourceBase & Stored<'quota'>;
export type FlavorProfile = ResourceBase & Stored<'flavorprofile'>;
export type Flavor = ResourceBase & Stored<'flavor'>;
export type AvailabilityZoneProfile = ResourceBase & Stored<'availabilityzoneprofile'>;
/** Its id is its name. */
export type AvailabilityZone = ResourceBase & Stored<'availabilityzone'>;

export type IdRef = LoadBalancer['listeners'][number];
export type Tagged = Pick<Listener, 'tags'>;
export type ListenerIpGroup = NonNullable<Listener['ipgroup']>;
export type SessionPersistence = NonNullable<Pool['session_persistence']>;
export type FixedResponseConfig = NonNullable<L7Policy['fixed_response_config']>;
export type IpGroupEntry = IpGroup['ip_list'][number];

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
  quota: Quota;
  flavorprofile: FlavorProfile;
  flavor: Flavor;
  availabilityzoneprofile: AvailabilityZoneProfile;
  availabilityzone: AvailabilityZone;
}
export type AnyResource = ResourceByKind[ResourceKind];
