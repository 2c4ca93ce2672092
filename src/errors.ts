// One table of stable error codes → HTTP status and message template (design.md §3).
// docs/errors.md documents every code; test/unit/errors.test.ts keeps the two in sync.
// Add a code here, never invent one at a throw site.

export const ERRORS = {
  // 400: invalid input
  INVALID_JSON: { status: 400, message: 'Request body is not valid JSON: {detail}' },
  INVALID_BODY: { status: 400, message: 'Invalid input for field/attribute {field}: {detail}' },
  INVALID_QUERY: { status: 400, message: 'Invalid query parameter {field}: {detail}' },
  INVALID_PORT: { status: 400, message: 'Invalid input for field/attribute {field}: port must be an integer from 1 to 65535' },
  IMMUTABLE_FIELD: { status: 400, message: 'Field {field} cannot be changed after creation' },
  PROTOCOL_MISMATCH: { status: 400, message: 'Listener protocol {listener_protocol} is not compatible with pool protocol {pool_protocol}; allowed: {allowed}' },
  SSL_REQUIRES_CLASSIC: { status: 400, message: 'SSL listeners are allowed only on load balancers of type "classic"; load balancer {loadbalancer_id} is "{type}"', field: 'protocol' },
  TLS_CERT_REQUIRED: { status: 400, message: '{protocol} listeners require a server certificate in default_tls_container_ref', field: 'default_tls_container_ref' },
  TLS_NOT_ALLOWED: { status: 400, message: 'Field {field} applies only to TLS-terminating listeners (HTTPS, TERMINATED_HTTPS, SSL), not {protocol}' },
  CERTIFICATE_TYPE: { status: 400, message: 'Certificate {id} is a {actual} certificate; {field} needs a {expected} certificate' },
  CERTIFICATE_INVALID: { status: 400, message: 'Invalid certificate: {detail}' },
  SESSION_PERSISTENCE_INVALID: { status: 400, message: 'Session persistence {type} is not valid for a {protocol} pool: {detail}', field: 'session_persistence' },
  HEALTH_MONITOR_TYPE: { status: 400, message: 'Health monitor type {type} is not valid for a {protocol} pool; allowed: {allowed}', field: 'type' },
  HEALTH_MONITOR_TIMING: { status: 400, message: 'Invalid health monitor timing: {detail}' },
  L7_POLICY_INVALID: { status: 400, message: 'Invalid l7policy: {detail}' },
  L7_RULE_INVALID: { status: 400, message: 'Invalid l7rule: {detail}' },
  POOL_LB_MISMATCH: { status: 400, message: 'Pool {pool_id} belongs to another load balancer than listener {listener_id}' },
  VIP_INVALID: { status: 400, message: 'Invalid vip_address {address}: {detail}', field: 'vip_address' },
  VIP_REQUIRED: { status: 400, message: 'One of vip_subnet_id, vip_network_id, vip_port_id or vip_address is required' },
  CIDR_INVALID: { status: 400, message: 'Invalid IP address or CIDR {value} in {field}' },
  LOADBALANCER_HAS_CHILDREN: { status: 400, message: 'Validation failure: Cannot delete Load Balancer {id} - it has children' },
  INVALID_SORT_KEY: { status: 400, message: "Supplied sort key '{key}' is not valid." },
  INVALID_SORT_DIRECTION: { status: 400, message: "Supplied sort direction '{key}' is not valid." },
  PROVIDER_NOT_ENABLED: { status: 400, message: "Provider '{provider}' is not enabled." },
  OPTION_UNKNOWN: { status: 400, message: 'Validation failure: Invalid {field} {value}: there is no such {kind}' },
  OPTION_DISABLED: { status: 400, message: 'The selected {kind} is not allowed in this deployment: {value}' },
  FIELD_NOT_SUPPORTED: { status: 400, message: 'Field {field} is not supported by elbow: {detail}' },
  NOT_SUPPORTED_BY_ENGINE: { status: 400, message: 'Field {field} = {value} is not supported by the {engine} engine this elbow runs: {detail}' },
  // 401
  UNAUTHORIZED: { status: 401, message: 'Authentication required: send the API token in X-Auth-Token or Authorization: Bearer' },
  // 403
  QUOTA_EXCEEDED: { status: 403, message: 'Quota has been met for resources: {resource}' },
  // 404
  NOT_FOUND: { status: 404, message: '{kind} {id} not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such resource: {method} {path}' },
  // 405
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method {method} is not allowed on {path}' },
  // 409: conflicts and resources in use
  LISTENER_PORT_CONFLICT: { status: 409, message: 'Another listener on this load balancer (id {id}, {protocol}:{port}) already uses {transport} port {port}', field: 'protocol_port' },
  LISTENER_BIND_CONFLICT: { status: 409, message: 'Listener {id} ({protocol}:{port}) of load balancer {loadbalancer_id} already binds {address} {transport} port {port}', field: 'protocol_port' },
  MEMBER_ADDRESS_CONFLICT: { status: 409, message: 'Member {id} already uses {address}:{port} in pool {pool_id}', field: 'address' },
  VIP_IN_USE: { status: 409, message: 'vip_address {address} is already used by load balancer {id}', field: 'vip_address' },
  VIP_RANGE_EXHAUSTED: { status: 409, message: 'No free address left in the VIP range {range}' },
  IN_USE: { status: 409, message: '{kind} {id} is in use by {user_kind} {user_id}' },
  NODE_NOT_DOWN: { status: 409, message: 'Node {name} is not down (last heartbeat {age} s ago): stop it before removing it' },
  HEALTH_MONITOR_EXISTS: { status: 409, message: 'Pool {pool_id} already has health monitor {id}', field: 'pool_id' },
  LISTENER_HAS_DEFAULT_POOL: { status: 409, message: 'Listener {listener_id} already has default pool {pool_id}', field: 'listener_id' },
  ALREADY_EXISTS: { status: 409, message: 'A {kind} named {name} already exists', field: 'name' },
  // 413, 415
  BODY_TOO_LARGE: { status: 413, message: 'Request body larger than {limit} bytes' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content-Type must be application/json' },
  // 5xx
  INTERNAL: { status: 500, message: 'Internal error: {detail}' },
  STORE_UNAVAILABLE: { status: 503, message: 'The configuration store is unreachable ({detail}); this node keeps serving the configuration it has, and takes changes again once the store is back' },
  APPLY_FAILED: { status: 500, message: 'The change was stored (revision {revision}) but the data plane could not apply it: {detail}' },
} as const satisfies Record<string, { status: number; message: string; field?: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** An error with a stable code; the API renders it as design.md §3's error JSON. */
export class ElbowError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly params: Readonly<Record<string, string | number>> = {},
  ) {
    super(formatMessage(ERRORS[code].message, params));
    this.name = 'ElbowError';
    this.status = ERRORS[code].status;
  }

  /**
   * The request field the error is about, when there is one (elbow extension, for forms that show
   * the message at the field): the `field` parameter, else the code's own field in the table.
   */
  get field(): string | undefined {
    const named = this.params.field;
    if (typeof named === 'string' && named !== '') return named;
    const entry = ERRORS[this.code];
    return 'field' in entry ? entry.field : undefined;
  }

  toJSON(): { faultcode: 'Client' | 'Server'; faultstring: string; code: ErrorCode; field?: string } {
    const field = this.field;
    return { faultcode: this.status >= 500 ? 'Server' : 'Client', faultstring: this.message, code: this.code, ...(field === undefined ? {} : { field }) };
  }
}

function formatMessage(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
