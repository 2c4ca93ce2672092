// The one table that drives every `elbow <resource> …` command: per resource its API path, the
// fields its create/update take (typed, so option values parse the same way everywhere) and the
// columns its list shows. Field names are Octavia's (src/model/types.ts); options are kebab case.
import type { ResourceKind } from '../model/types.js';

export type FieldType =
  | 'string'
  | 'int'
  | 'number'
  | 'bool'
  /** comma-separated, option repeatable */
  | 'list'
  | 'json'
  /** a file path whose contents are sent */
  | 'file'
  /** ipgroup entries: `ip[=description]`, comma-separated, repeatable */
  | 'iplist';

export interface FieldSpec {
  readonly field: string;
  readonly type: FieldType;
  /** The flag without `--`; default: the field in kebab case. */
  readonly option?: string;
  /** The value names a resource of this kind: a name or an id is accepted. */
  readonly ref?: ResourceKind;
  /** Octavia does not let it change after creation, so `update` does not offer it. */
  readonly createOnly?: boolean;
  readonly help: string;
}

export interface ResourceSpec {
  readonly kind: ResourceKind;
  /** Body wrapper key: `{"listener": {...}}`. */
  readonly singular: string;
  /** List wrapper key and path segment: `{"listeners": [...]}`. */
  readonly plural: string;
  /** Sub-resources live under their parent's path and need its id. */
  readonly parent?: { readonly kind: 'pool' | 'l7policy'; readonly option: string };
  /** Whether the resource has a `name` (l7rules have none). */
  readonly named: boolean;
  readonly fields: readonly FieldSpec[];
  /** Columns of `list`, besides id and the statuses. */
  readonly columns: readonly string[];
  readonly hasStatus: boolean;
}

const common = {
  name: { field: 'name', type: 'string', help: 'name' },
  description: { field: 'description', type: 'string', help: 'description' },
  adminStateUp: { field: 'admin_state_up', type: 'bool', help: 'administrative state (true|false)' },
  tags: { field: 'tags', type: 'list', help: 'tags (comma-separated, repeatable)' },
} as const satisfies Record<string, FieldSpec>;

const tlsFields: readonly FieldSpec[] = [
  { field: 'tls_ciphers', type: 'string', help: 'OpenSSL cipher string' },
  { field: 'tls_versions', type: 'list', help: 'TLS versions, e.g. TLSv1.2,TLSv1.3' },
  { field: 'alpn_protocols', type: 'list', help: 'ALPN protocols, e.g. h2,http/1.1' },
];

export const RESOURCES: Readonly<Record<ResourceKind, ResourceSpec>> = {
  loadbalancer: {
    kind: 'loadbalancer', singular: 'loadbalancer', plural: 'loadbalancers', named: true, hasStatus: true,
    columns: ['name', 'vip_address', 'type'],
    fields: [
      common.name, common.description, common.adminStateUp, common.tags,
      { field: 'vip_address', type: 'string', createOnly: true, help: 'VIP address (default: allocated from the VIP range)' },
      { field: 'vip_subnet_id', type: 'string', createOnly: true, help: 'VIP subnet id' },
      { field: 'vip_network_id', type: 'string', createOnly: true, help: 'VIP network id' },
      { field: 'vip_port_id', type: 'string', createOnly: true, help: 'VIP port id' },
      { field: 'type', type: 'string', createOnly: true, help: 'standard|classic (classic allows SSL listeners)' },
      { field: 'provider', type: 'string', createOnly: true, help: 'provider name' },
      { field: 'flavor_id', type: 'string', createOnly: true, help: 'flavor id' },
      { field: 'availability_zone', type: 'string', createOnly: true, help: 'availability zone' },
    ],
  },
  listener: {
    kind: 'listener', singular: 'listener', plural: 'listeners', named: true, hasStatus: true,
    columns: ['name', 'protocol', 'protocol_port', 'loadbalancer_id', 'default_pool_id'],
    fields: [
      common.name, common.description, common.adminStateUp, common.tags,
      { field: 'loadbalancer_id', option: 'loadbalancer', type: 'string', ref: 'loadbalancer', createOnly: true, help: 'load balancer (name or id)' },
      { field: 'protocol', type: 'string', createOnly: true, help: 'TCP|UDP|HTTP|HTTPS|TERMINATED_HTTPS|SSL' },
      { field: 'protocol_port', type: 'int', createOnly: true, help: 'port, 1-65535' },
      { field: 'connection_limit', type: 'int', help: 'maximum connections (-1: unlimited)' },
      { field: 'default_pool_id', option: 'default-pool', type: 'string', ref: 'pool', help: 'default pool (name or id)' },
      { field: 'default_tls_container_ref', option: 'default-tls-container-ref', type: 'string', ref: 'certificate', help: 'server certificate (name or id)' },
      { field: 'sni_container_refs', type: 'list', ref: 'certificate', help: 'SNI certificates (names or ids)' },
      { field: 'client_ca_tls_container_ref', type: 'string', ref: 'certificate', help: 'client CA certificate (name or id)' },
      { field: 'client_authentication', type: 'string', help: 'NONE|OPTIONAL|MANDATORY' },
      { field: 'insert_headers', type: 'json', help: 'headers to insert, JSON object, e.g. {"X-Forwarded-For":"true"}' },
      { field: 'timeout_client_data', type: 'int', help: 'client inactivity timeout (ms)' },
      { field: 'timeout_member_connect', type: 'int', help: 'member connect timeout (ms)' },
      { field: 'timeout_member_data', type: 'int', help: 'member inactivity timeout (ms)' },
      { field: 'timeout_tcp_inspect', type: 'int', help: 'time to wait for content inspection (ms)' },
      { field: 'allowed_cidrs', type: 'list', help: 'CIDRs allowed to connect' },
      ...tlsFields,
      { field: 'hsts_max_age', type: 'int', help: 'HSTS max-age (s)' },
      { field: 'hsts_include_subdomains', type: 'bool', help: 'HSTS includeSubDomains' },
      { field: 'hsts_preload', type: 'bool', help: 'HSTS preload' },
      { field: 'ipgroup', type: 'json', help: 'IP group, JSON: {"ipgroup_id":…,"enable_ipgroup":true,"type":"white"|"black"}' },
      { field: 'access_log', type: 'bool', help: 'write a JSON-lines access log' },
    ],
  },
  pool: {
    kind: 'pool', singular: 'pool', plural: 'pools', named: true, hasStatus: true,
    columns: ['name', 'protocol', 'lb_algorithm', 'loadbalancer_id'],
    fields: [
      common.name, common.description, common.adminStateUp, common.tags,
      { field: 'loadbalancer_id', option: 'loadbalancer', type: 'string', ref: 'loadbalancer', createOnly: true, help: 'load balancer (name or id)' },
      { field: 'listener_id', option: 'listener', type: 'string', ref: 'listener', createOnly: true, help: 'listener whose default pool this becomes (name or id)' },
      { field: 'protocol', type: 'string', createOnly: true, help: 'TCP|UDP|HTTP|HTTPS|PROXY|PROXYV2' },
      { field: 'lb_algorithm', type: 'string', help: 'ROUND_ROBIN|LEAST_CONNECTIONS|SOURCE_IP|SOURCE_IP_PORT' },
      { field: 'session_persistence', type: 'json', help: 'JSON, e.g. {"type":"HTTP_COOKIE"}' },
      { field: 'tls_enabled', type: 'bool', help: 're-encrypt to members' },
      { field: 'tls_container_ref', type: 'string', ref: 'certificate', help: 'client certificate to members (name or id)' },
      { field: 'ca_tls_container_ref', type: 'string', ref: 'certificate', help: 'CA to verify members (name or id)' },
      ...tlsFields,
    ],
  },
  member: {
    kind: 'member', singular: 'member', plural: 'members', named: true, hasStatus: true,
    parent: { kind: 'pool', option: 'pool' },
    columns: ['name', 'address', 'protocol_port', 'weight'],
    fields: [
      common.name, common.adminStateUp, common.tags,
      { field: 'address', type: 'string', createOnly: true, help: 'member IP address' },
      { field: 'protocol_port', type: 'int', createOnly: true, help: 'member port (default 80 for HTTP pools)' },
      { field: 'weight', type: 'int', help: 'weight 0-256 (0: no new connections)' },
      { field: 'backup', type: 'bool', help: 'used only when all others are down' },
      { field: 'subnet_id', type: 'string', createOnly: true, help: 'subnet id' },
      { field: 'monitor_address', type: 'string', help: 'address health checks probe' },
      { field: 'monitor_port', type: 'int', help: 'port health checks probe' },
    ],
  },
  healthmonitor: {
    kind: 'healthmonitor', singular: 'healthmonitor', plural: 'healthmonitors', named: true, hasStatus: true,
    columns: ['name', 'type', 'pool_id', 'delay', 'timeout', 'max_retries'],
    fields: [
      common.name, common.adminStateUp, common.tags,
      { field: 'pool_id', option: 'pool', type: 'string', ref: 'pool', createOnly: true, help: 'pool (name or id)' },
      { field: 'type', type: 'string', createOnly: true, help: 'TCP|HTTP|HTTPS|PING|TLS-HELLO|UDP-CONNECT|SCTP' },
      { field: 'delay', type: 'int', help: 'seconds between probes' },
      { field: 'timeout', type: 'int', help: 'probe timeout (s)' },
      { field: 'max_retries', type: 'int', help: 'successes to mark a member up' },
      { field: 'max_retries_down', type: 'int', help: 'failures to mark a member down' },
      { field: 'http_method', type: 'string', help: 'HTTP method of probes' },
      { field: 'url_path', type: 'string', help: 'HTTP path of probes' },
      { field: 'expected_codes', type: 'string', help: 'expected status codes, e.g. 200,204 or 200-299' },
      { field: 'http_version', type: 'number', help: '1.0 or 1.1' },
      { field: 'domain_name', type: 'string', help: 'Host header of probes' },
    ],
  },
  l7policy: {
    kind: 'l7policy', singular: 'l7policy', plural: 'l7policies', named: true, hasStatus: true,
    columns: ['name', 'action', 'position', 'listener_id'],
    fields: [
      common.name, common.description, common.adminStateUp, common.tags,
      { field: 'listener_id', option: 'listener', type: 'string', ref: 'listener', createOnly: true, help: 'listener (name or id)' },
      { field: 'action', type: 'string', help: 'REDIRECT_TO_POOL|REDIRECT_TO_URL|REDIRECT_PREFIX|REJECT|FIXED_RESPONSE|REDIRECT_TO_LISTENER' },
      { field: 'position', type: 'int', help: 'evaluation order, from 1' },
      { field: 'redirect_pool_id', option: 'redirect-pool', type: 'string', ref: 'pool', help: 'target pool (name or id)' },
      { field: 'redirect_url', type: 'string', help: 'target URL' },
      { field: 'redirect_prefix', type: 'string', help: 'target URL prefix' },
      { field: 'redirect_http_code', type: 'int', help: '301|302|303|307|308' },
      { field: 'redirect_listener_id', option: 'redirect-listener', type: 'string', ref: 'listener', help: 'target listener (name or id)' },
      { field: 'fixed_response_config', type: 'json', help: 'JSON: {"status_code":"503","content_type":"text/plain","message_body":"…"}' },
    ],
  },
  l7rule: {
    kind: 'l7rule', singular: 'rule', plural: 'rules', named: false, hasStatus: true,
    parent: { kind: 'l7policy', option: 'l7policy' },
    columns: ['type', 'compare_type', 'key', 'value', 'invert'],
    fields: [
      common.adminStateUp, common.tags,
      { field: 'type', type: 'string', help: 'HOST_NAME|PATH|HEADER|COOKIE|FILE_TYPE|METHOD|QUERY_STRING|SOURCE_IP|…' },
      { field: 'compare_type', type: 'string', help: 'EQUAL_TO|STARTS_WITH|ENDS_WITH|CONTAINS|REGEX' },
      { field: 'key', type: 'string', help: 'header or cookie name' },
      { field: 'value', type: 'string', help: 'value to compare with' },
      { field: 'invert', type: 'bool', help: 'negate the match' },
    ],
  },
  certificate: {
    kind: 'certificate', singular: 'certificate', plural: 'certificates', named: true, hasStatus: false,
    columns: ['name', 'type', 'subject', 'expires_at'],
    fields: [
      common.name, common.description,
      { field: 'type', type: 'string', createOnly: true, help: 'server|client (default server)' },
      { field: 'certificate', option: 'certificate-file', type: 'file', help: 'PEM certificate chain file' },
      { field: 'private_key', option: 'private-key-file', type: 'file', help: 'PEM private key file (server certificates)' },
    ],
  },
  ipgroup: {
    kind: 'ipgroup', singular: 'ipgroup', plural: 'ipgroups', named: true, hasStatus: false,
    columns: ['name', 'ip_list'],
    fields: [
      common.name, common.description, common.tags,
      { field: 'ip_list', type: 'iplist', help: 'addresses/CIDRs as ip[=description], comma-separated, repeatable' },
    ],
  },
};

/** The collection path of a kind, e.g. /v2/lbaas/pools/{pool}/members. */
export function collectionPath(spec: ResourceSpec, parentId?: string): string {
  if (spec.parent === undefined) return `/v2/lbaas/${spec.plural}`;
  if (parentId === undefined) throw new Error(`${spec.kind} needs its ${spec.parent.kind} id`);
  return `/v2/lbaas/${RESOURCES[spec.parent.kind].plural}/${encodeURIComponent(parentId)}/${spec.plural}`;
}

export function resourcePath(spec: ResourceSpec, id: string, parentId?: string): string {
  return `${collectionPath(spec, parentId)}/${encodeURIComponent(id)}`;
}

export function optionName(field: FieldSpec): string {
  return field.option ?? field.field.replaceAll('_', '-');
}

/** Fields Octavia fixes at creation; `apply` cannot change them in place either. */
export function createOnlyFields(kind: ResourceKind): ReadonlySet<string> {
  return new Set(RESOURCES[kind].fields.filter((f) => f.createOnly === true).map((f) => f.field));
}
