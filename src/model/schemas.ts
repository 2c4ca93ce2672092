// Request and response shapes of every resource kind as TypeBox (plain JSON Schema), used to
// validate API bodies and to generate /openapi.json. Field sets and ranges follow Octavia v2's
// api/v2/types/*.py; Huawei ELB / elbow extensions are marked in types.ts.
// Bodies are strict (additionalProperties: false) except for a few fields Octavia clients send
// that elbow accepts and ignores (IGNORED_FIELDS).

import { Type, type Static, type TLiteral, type TObject, type TOptional, type TUnion, type TProperties, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { ElbowError } from '../errors.js';
import { checkPort } from './rules/port-range.js';
import {
  HEALTH_MONITOR_TYPES,
  L7_ACTIONS,
  L7_COMPARE_TYPES,
  L7_RULE_TYPES,
  LB_ALGORITHMS,
  LISTENER_PROTOCOLS,
  POOL_PROTOCOLS,
  SESSION_PERSISTENCE_TYPES,
  type ResourceKind,
} from './types.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Enum = <const T extends readonly string[]>(values: T): TUnion<TLiteral<T[number]>[]> => Type.Union(values.map((v) => Type.Literal(v)));

const Name = Nullable(Type.String({ maxLength: 255 }));
const Description = Nullable(Type.String({ maxLength: 255 }));
const Id = Type.String({ minLength: 1, maxLength: 255 });
const Ref = Nullable(Type.String({ maxLength: 255 }));
const PORT_RANGE = { minimum: 1, maximum: 65535 };
/** Ports get their own error, INVALID_PORT (rules/port-range.ts). */
const Port = Type.Integer(PORT_RANGE);
const Tags = Type.Array(Type.String({ maxLength: 255 }));
/** Milliseconds, 0 up to one year. */
const TimeoutMs = Type.Integer({ minimum: 0, maximum: 31_536_000_000 });
const TlsVersions = Nullable(Type.Array(Type.String({ maxLength: 32 })));
const AlpnProtocols = Nullable(Type.Array(Type.String({ maxLength: 32 })));
const TlsCiphers = Nullable(Type.String({ maxLength: 2048 }));

/** Fields Octavia clients may send that elbow accepts and ignores (the project comes from the server). */
const IGNORED_FIELDS = {
  project_id: Type.Optional(Type.String({ maxLength: 255 })),
  tenant_id: Type.Optional(Type.String({ maxLength: 255 })),
};

const Optional = <P extends TProperties>(properties: P) =>
  Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof P]: TOptional<P[K]> };

/** Creates strict body schemas: `required` fields must be present, `optional` may be. */
function body<R extends TProperties, O extends TProperties>(required: R, optional: O) {
  const rest = Object.fromEntries(Object.entries(optional).filter(([key]) => !(key in required))) as Omit<O, keyof R>;
  return Type.Object({ ...Optional(rest), ...required, ...IGNORED_FIELDS }, { additionalProperties: false });
}

// ---- loadbalancer ----
const loadbalancerMutable = { name: Name, description: Description, admin_state_up: Type.Boolean(), vip_qos_policy_id: Ref, tags: Tags };
const loadbalancerFixed = {
  vip_address: Type.String({ maxLength: 64 }),
  vip_port_id: Ref,
  vip_subnet_id: Ref,
  vip_network_id: Ref,
  provider: Type.String({ maxLength: 64 }),
  flavor_id: Ref,
  availability_zone: Ref,
  type: Enum(['standard', 'classic'] as const),
};

// ---- listener ----
const ListenerIpGroupBody = Type.Object(
  { ipgroup_id: Id, enable_ipgroup: Type.Optional(Type.Boolean()), type: Type.Optional(Enum(['white', 'black'] as const)) },
  { additionalProperties: false },
);
const listenerMutable = {
  name: Name,
  description: Description,
  admin_state_up: Type.Boolean(),
  connection_limit: Type.Integer({ minimum: -1 }),
  default_pool_id: Nullable(Id),
  default_tls_container_ref: Ref,
  sni_container_refs: Nullable(Type.Array(Type.String({ maxLength: 255 }))),
  client_ca_tls_container_ref: Ref,
  client_authentication: Enum(['NONE', 'OPTIONAL', 'MANDATORY'] as const),
  client_crl_container_ref: Ref,
  insert_headers: Nullable(Type.Record(Type.String(), Type.String({ maxLength: 255 }))),
  timeout_client_data: Nullable(TimeoutMs),
  timeout_member_connect: Nullable(TimeoutMs),
  timeout_member_data: Nullable(TimeoutMs),
  timeout_tcp_inspect: Nullable(TimeoutMs),
  allowed_cidrs: Nullable(Type.Array(Type.String({ maxLength: 64 }))),
  tls_ciphers: TlsCiphers,
  tls_versions: TlsVersions,
  alpn_protocols: AlpnProtocols,
  hsts_max_age: Nullable(Type.Integer({ minimum: 0 })),
  hsts_include_subdomains: Type.Boolean(),
  hsts_preload: Type.Boolean(),
  tags: Tags,
  ipgroup: Nullable(ListenerIpGroupBody),
  access_log: Type.Boolean(),
};
const listenerFixed = { protocol: Enum(LISTENER_PROTOCOLS), protocol_port: Port, loadbalancer_id: Id };

// ---- pool ----
const SessionPersistenceBody = Type.Object(
  {
    type: Enum(SESSION_PERSISTENCE_TYPES),
    cookie_name: Type.Optional(Nullable(Type.String({ maxLength: 255 }))),
    persistence_timeout: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    persistence_granularity: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  },
  { additionalProperties: false },
);
const poolMutable = {
  name: Name,
  description: Description,
  admin_state_up: Type.Boolean(),
  lb_algorithm: Enum(LB_ALGORITHMS),
  session_persistence: Nullable(SessionPersistenceBody),
  tls_enabled: Type.Boolean(),
  tls_container_ref: Ref,
  ca_tls_container_ref: Ref,
  crl_container_ref: Ref,
  tls_ciphers: TlsCiphers,
  tls_versions: TlsVersions,
  alpn_protocols: AlpnProtocols,
  tags: Tags,
};

// ---- member ----
const memberMutable = {
  name: Name,
  admin_state_up: Type.Boolean(),
  weight: Type.Integer({ minimum: 0, maximum: 256 }),
  backup: Type.Boolean(),
  monitor_address: Nullable(Type.String({ maxLength: 64 })),
  monitor_port: Nullable(Port),
  tags: Tags,
};
const memberFixed = { address: Type.String({ maxLength: 64 }), protocol_port: Port, subnet_id: Ref };

// ---- healthmonitor ----
const healthmonitorMutable = {
  name: Name,
  admin_state_up: Type.Boolean(),
  delay: Type.Integer({ minimum: 0 }),
  timeout: Type.Integer({ minimum: 0 }),
  max_retries: Type.Integer({ minimum: 1, maximum: 10 }),
  max_retries_down: Type.Integer({ minimum: 1, maximum: 10 }),
  http_method: Nullable(Enum(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'] as const)),
  url_path: Nullable(Type.String({ minLength: 1, maxLength: 2048, pattern: '^/' })),
  expected_codes: Nullable(Type.String({ pattern: '^\\d{3}(?:(?:,\\d{3})+|-\\d{3})?$' })),
  http_version: Nullable(Type.Union([Type.Literal(1.0), Type.Literal(1.1)])),
  domain_name: Nullable(Type.String({ minLength: 1, maxLength: 255 })),
  tags: Tags,
};
const healthmonitorFixed = { type: Enum(HEALTH_MONITOR_TYPES), pool_id: Id };

// ---- l7policy ----
const FixedResponseBody = Type.Object(
  {
    status_code: Type.String({ pattern: '^\\d{3}$' }),
    content_type: Type.Optional(Type.String({ maxLength: 64 })),
    message_body: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
const l7policyMutable = {
  name: Name,
  description: Description,
  admin_state_up: Type.Boolean(),
  action: Enum(L7_ACTIONS),
  position: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  redirect_pool_id: Nullable(Id),
  redirect_url: Nullable(Type.String({ maxLength: 2048 })),
  redirect_prefix: Nullable(Type.String({ maxLength: 2048 })),
  redirect_http_code: Nullable(Type.Integer()),
  redirect_listener_id: Nullable(Id),
  fixed_response_config: Nullable(FixedResponseBody),
  tags: Tags,
};

// ---- l7rule ----
const l7ruleMutable = {
  admin_state_up: Type.Boolean(),
  type: Enum(L7_RULE_TYPES),
  compare_type: Enum(L7_COMPARE_TYPES),
  key: Nullable(Type.String({ maxLength: 255 })),
  value: Type.String({ minLength: 1, maxLength: 255 }),
  invert: Type.Boolean(),
  tags: Tags,
};

// ---- certificate ----
const certificateMutable = {
  name: Name,
  description: Description,
  certificate: Type.String({ minLength: 1, maxLength: 65536 }),
  private_key: Nullable(Type.String({ maxLength: 65536 })),
};

// ---- ipgroup ----
const IpGroupEntryBody = Type.Object(
  { ip: Type.String({ minLength: 1, maxLength: 64 }), description: Type.Optional(Type.String({ maxLength: 255 })) },
  { additionalProperties: false },
);
const ipgroupMutable = { name: Name, description: Description, ip_list: Type.Array(IpGroupEntryBody), tags: Tags };

// ---- views (responses) ----
const IdRefs = Type.Array(Type.Object({ id: Type.String() }));
const STATUS_VIEW = {
  provisioning_status: Type.String(),
  operating_status: Type.String(),
};
function view(properties: TProperties): TObject {
  return Type.Object(
    { id: Type.String(), project_id: Type.String(), created_at: Type.String(), updated_at: Nullable(Type.String()), ...properties },
    { additionalProperties: true },
  );
}

export const RESOURCE_SCHEMAS = {
  loadbalancer: {
    create: body({}, { ...loadbalancerMutable, ...loadbalancerFixed }),
    update: body({}, { ...loadbalancerMutable, ...loadbalancerFixed }),
    view: view({ ...loadbalancerMutable, ...loadbalancerFixed, ...STATUS_VIEW, listeners: IdRefs, pools: IdRefs }),
  },
  listener: {
    create: body(listenerFixed, listenerMutable),
    update: body({}, { ...listenerFixed, ...listenerMutable }),
    view: view({
      ...listenerFixed,
      ...listenerMutable,
      ...STATUS_VIEW,
      loadbalancers: IdRefs,
      l7policies: IdRefs,
      provisioning_status_reason: Type.Optional(Type.String()),
    }),
  },
  pool: {
    create: body({ protocol: Enum(POOL_PROTOCOLS), lb_algorithm: Enum(LB_ALGORITHMS) }, { ...poolMutable, loadbalancer_id: Id, listener_id: Id }),
    update: body({}, { ...poolMutable, protocol: Enum(POOL_PROTOCOLS) }),
    view: view({
      ...poolMutable,
      ...STATUS_VIEW,
      protocol: Type.String(),
      loadbalancer_id: Type.String(),
      healthmonitor_id: Nullable(Type.String()),
      loadbalancers: IdRefs,
      listeners: IdRefs,
      members: IdRefs,
    }),
  },
  member: {
    create: body({ address: memberFixed.address }, { ...memberMutable, protocol_port: Port, subnet_id: Ref }),
    update: body({}, { ...memberMutable, ...memberFixed }),
    view: view({ ...memberMutable, ...memberFixed, ...STATUS_VIEW, pool_id: Type.String() }),
  },
  healthmonitor: {
    create: body(
      { ...healthmonitorFixed, delay: healthmonitorMutable.delay, timeout: healthmonitorMutable.timeout, max_retries: healthmonitorMutable.max_retries },
      healthmonitorMutable,
    ),
    update: body({}, { ...healthmonitorFixed, ...healthmonitorMutable }),
    view: view({ ...healthmonitorFixed, ...healthmonitorMutable, ...STATUS_VIEW, pools: IdRefs }),
  },
  l7policy: {
    create: body({ listener_id: Id, action: l7policyMutable.action }, l7policyMutable),
    update: body({}, { listener_id: Id, ...l7policyMutable }),
    view: view({ listener_id: Type.String(), ...l7policyMutable, ...STATUS_VIEW, rules: IdRefs }),
  },
  l7rule: {
    create: body({ type: l7ruleMutable.type, compare_type: l7ruleMutable.compare_type, value: l7ruleMutable.value }, l7ruleMutable),
    update: body({}, l7ruleMutable),
    view: view({ ...l7ruleMutable, ...STATUS_VIEW, l7policy_id: Type.String() }),
  },
  certificate: {
    create: body({ certificate: certificateMutable.certificate }, { ...certificateMutable, type: Enum(['server', 'client'] as const) }),
    update: body({}, certificateMutable),
    view: view({
      name: Type.String(),
      description: Type.String(),
      type: Type.String(),
      certificate: Type.String(),
      subject: Type.String(),
      subject_alt_names: Type.Array(Type.String()),
      not_before: Type.String(),
      expires_at: Type.String(),
      fingerprint: Type.String(),
    }),
  },
  ipgroup: {
    create: body({ ip_list: ipgroupMutable.ip_list }, { name: Name, description: Description, tags: Tags }),
    update: body({}, ipgroupMutable),
    view: view({ ...ipgroupMutable, listeners: IdRefs }),
  },
} satisfies Record<ResourceKind, { create: TSchema; update: TSchema; view: TSchema }>;

export type BodyMode = 'create' | 'update';
export type CreateBody<K extends ResourceKind> = Static<(typeof RESOURCE_SCHEMAS)[K]['create']>;
export type UpdateBody<K extends ResourceKind> = Static<(typeof RESOURCE_SCHEMAS)[K]['update']>;
export type Body<K extends ResourceKind, M extends BodyMode> = M extends 'create' ? CreateBody<K> : UpdateBody<K>;

const compiled = new Map<string, TypeCheck<TSchema>>();
function checkerFor(kind: ResourceKind, mode: BodyMode): TypeCheck<TSchema> {
  const key = `${kind}:${mode}`;
  let checker = compiled.get(key);
  if (!checker) {
    checker = TypeCompiler.Compile(RESOURCE_SCHEMAS[kind][mode]);
    compiled.set(key, checker);
  }
  return checker;
}

/** `/ip_list/0/ip` → `ip_list[0].ip`, the way Octavia names nested fields. */
function fieldName(path: string): string {
  return path
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/**
 * Checks a request body against the kind's create or update schema and returns it typed.
 * Throws INVALID_BODY naming the first bad field.
 */
export function validateBody<K extends ResourceKind, M extends BodyMode>(kind: K, mode: M, input: unknown): Body<K, M> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ElbowError('INVALID_BODY', { field: kind, detail: 'expected a JSON object' });
  }
  const checker = checkerFor(kind, mode);
  if (checker.Check(input)) return input as Body<K, M>;
  const first = checker.Errors(input).First();
  if (!first) throw new ElbowError('INVALID_BODY', { field: kind, detail: 'invalid' });
  const precise = explainUnion(first);
  const field = fieldName(precise.path) || kind;
  if (isPortSchema(precise.schema)) checkPort(field, precise.value);
  throw new ElbowError('INVALID_BODY', { field, detail: describe(precise) });
}

function isPortSchema(schema: TSchema): boolean {
  return schema.type === 'integer' && schema.minimum === PORT_RANGE.minimum && schema.maximum === PORT_RANGE.maximum;
}

/** TypeBox reports a bad enum or nullable field as "Expected union value"; say what was expected. */
function explainUnion(error: ValueError): ValueError {
  const branches = (error.schema as { anyOf?: TSchema[] }).anyOf;
  if (error.type !== ValueErrorType.Union || !branches) return error;
  const nonNull = branches.filter((b) => b.type !== 'null');
  if (nonNull.length === 1 && error.value !== null) {
    const inner = Value.Errors(nonNull[0] as TSchema, error.value).First();
    if (inner) return explainUnion({ ...inner, path: error.path + inner.path });
  }
  return error;
}

function describe(error: ValueError): string {
  const got = error.value === undefined ? '' : ` (got ${JSON.stringify(error.value)})`;
  const branches = (error.schema as { anyOf?: { const?: unknown; type?: string }[] }).anyOf;
  if (error.type === ValueErrorType.Union && branches) {
    const allowed = branches.map((b) => (b.type === 'null' ? 'null' : JSON.stringify(b.const ?? b.type)));
    return `expected one of ${allowed.join(', ')}${got}`;
  }
  return `${error.message}${got}`;
}
