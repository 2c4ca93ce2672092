// What the spec allows in each form, beyond what a schema can say: SSL listeners only on classic
// load balancers, pool protocols compatible with the listener's, monitor and persistence types the
// pool takes, fields that apply only to some protocols or actions, and references offered as
// choices of existing resources. The tables come from the model itself (src/model/protocols.ts).
import {
  HTTP_HEALTH_MONITOR_TYPES,
  HTTP_LISTENER_PROTOCOLS,
  LISTENER_POOL_PROTOCOLS,
  POOL_HEALTH_MONITOR_TYPES,
  POOL_SESSION_PERSISTENCE_TYPES,
  REDIRECT_SOURCE_PROTOCOLS,
  REDIRECT_TARGET_PROTOCOLS,
  TLS_LISTENER_PROTOCOLS,
} from '../../model/protocols';
import type { HealthMonitorType, ListenerProtocol, PoolProtocol } from '../../model/types';
import type { ApiObject } from '../api/client';
import { title, type Kind } from '../resources';
import type { Field } from './schema';
import type { FormValues } from './values';

/** Everything a form may need to know about its surroundings, loaded before it is shown. */
export interface FormContext {
  loadbalancers: ApiObject[];
  listeners: ApiObject[];
  pools: ApiObject[];
  certificates: ApiObject[];
  ipgroups: ApiObject[];
  /** The resource being edited (update forms). */
  resource?: ApiObject;
  /** The parent of a member (pool) or rule (l7policy). */
  parent?: ApiObject;
  /** The resources other fields name (`x-elbow-ref`), by kind: flavors, availability zones, profiles. */
  references: Partial<Record<string, ApiObject[]>>;
}

export interface Choice {
  value: string;
  label: string;
}

export interface FieldRule {
  hidden?: boolean;
  /** Allowed values of an enum, in the schema's order; or choices of references. */
  choices?: Choice[];
  /** More than one reference (sni_container_refs). */
  multiple?: boolean;
  placeholder?: string;
  /** Why options are limited, shown under the field. */
  note?: string;
}

export type Rules = Record<string, FieldRule>;

const str = (value: unknown) => (typeof value === 'string' ? value : '');
const byId = (list: ApiObject[], id: string) => list.find((r) => r.id === id);
const choice = (r: ApiObject, extra = ''): Choice => ({ value: r.id, label: `${title(r)}${extra}` });

/** Fields on the first screen of each form; the others are under "More settings". */
export const PRIMARY_FIELDS: Partial<Record<Kind, string[]>> = {
  loadbalancer: ['name', 'description', 'type', 'vip_address', 'vip_subnet_id', 'flavor_id', 'availability_zone'],
  listener: ['name', 'loadbalancer_id', 'protocol', 'protocol_port', 'default_pool_id', 'default_tls_container_ref', 'sni_container_refs', 'connection_limit', 'allowed_cidrs'],
  pool: ['name', 'loadbalancer_id', 'listener_id', 'protocol', 'lb_algorithm', 'session_persistence'],
  member: ['name', 'address', 'protocol_port', 'weight', 'backup'],
  healthmonitor: ['name', 'pool_id', 'type', 'delay', 'timeout', 'max_retries', 'max_retries_down', 'http_method', 'url_path', 'expected_codes'],
  l7policy: ['name', 'listener_id', 'action', 'position', 'redirect_pool_id', 'redirect_url', 'redirect_prefix', 'redirect_http_code', 'redirect_listener_id', 'fixed_response_config'],
  l7rule: ['type', 'compare_type', 'key', 'value', 'invert'],
  certificate: ['name', 'description', 'type', 'certificate', 'private_key'],
  ipgroup: ['name', 'description', 'ip_list'],
};

const TLS_LISTENER_FIELDS = ['default_tls_container_ref', 'sni_container_refs', 'client_ca_tls_container_ref', 'client_authentication', 'client_crl_container_ref', 'tls_ciphers', 'tls_versions', 'alpn_protocols', 'hsts_max_age', 'hsts_include_subdomains', 'hsts_preload'];
const HTTP_MONITOR_FIELDS = ['http_method', 'url_path', 'expected_codes', 'http_version', 'domain_name'];
const ACTION_FIELDS: Record<string, string[]> = {
  REDIRECT_TO_POOL: ['redirect_pool_id'],
  REDIRECT_TO_URL: ['redirect_url', 'redirect_http_code'],
  REDIRECT_PREFIX: ['redirect_prefix', 'redirect_http_code'],
  FIXED_RESPONSE: ['fixed_response_config'],
  REDIRECT_TO_LISTENER: ['redirect_listener_id'],
  REJECT: [],
};
const ALL_ACTION_FIELDS = [...new Set(Object.values(ACTION_FIELDS).flat())];
const KEYED_RULE_TYPES = new Set(['HEADER', 'COOKIE', 'SSL_DN_FIELD']);

/** What a kind's rules are computed from. */
interface RuleInput {
  values: FormValues;
  context: FormContext;
  mode: 'create' | 'update';
  /** A field's value: entered, else the edited resource's. */
  value: (name: string) => string;
  serverCerts: Choice[];
  clientCerts: Choice[];
}

/** The rules of a form given what is entered so far (values) and its context. */
export function formRules(kind: Kind, values: FormValues, context: FormContext, mode: 'create' | 'update'): Rules {
  const current = context.resource;
  const input: RuleInput = {
    values,
    context,
    mode,
    value: (name: string) => str(values[name]) || str(current?.[name]),
    serverCerts: context.certificates.filter((c) => c.type !== 'client').map((c) => choice(c, expiryNote(c))),
    clientCerts: context.certificates.filter((c) => c.type === 'client').map((c) => choice(c, expiryNote(c))),
  };
  return KIND_RULES[kind]?.(input) ?? {};
}

/**
 * Choices for the fields that name another resource (`x-elbow-ref` in the schema) and that the
 * kind's own rules leave open: flavors and availability zones of a load balancer, the profile of
 * a flavor or a zone. A disabled one is offered but says so (the API refuses it for new ones).
 */
export function referenceRules(fields: readonly Field[], context: FormContext): Rules {
  const rules: Rules = {};
  for (const field of fields) {
    const list = field.ref === undefined ? undefined : context.references[field.ref];
    if (list !== undefined) rules[field.name] = { choices: list.map((r) => choice(r, r.enabled === false ? ' (disabled)' : '')) };
  }
  return rules;
}

/** Both sets of rules, a kind's own winning field by field. */
export function mergeRules(base: Rules, over: Rules): Rules {
  const merged: Rules = { ...base };
  for (const [name, rule] of Object.entries(over)) merged[name] = { ...base[name], ...rule };
  return merged;
}

const KIND_RULES: Partial<Record<Kind, (input: RuleInput) => Rules>> = {
  listener: listenerRules,
  pool: poolRules,
  member: ({ context }): Rules => (str(context.parent?.protocol) === 'HTTP' ? { protocol_port: { placeholder: '80 (the default for HTTP pools)' } } : {}),
  healthmonitor: monitorRules,
  l7policy: policyRules,
  l7rule: ({ value }) => ({ key: { hidden: !KEYED_RULE_TYPES.has(value('type')) } }),
  // A quota's older spellings (load_balancer, health_monitor) say the same as the fields shown.
  quota: () => ({ load_balancer: { hidden: true }, health_monitor: { hidden: true } }),
  loadbalancer: ({ mode, context }) =>
    Object.fromEntries(['vip_port_id', 'vip_network_id', 'vip_qos_policy_id', 'flavor_id', 'provider'].map((name) => [name, { hidden: mode === 'update' && !context.resource?.[name] }])),
};

function listenerRules({ context, mode, value, serverCerts, clientCerts }: RuleInput): Rules {
  const rules: Rules = {};
  const lb = byId(context.loadbalancers, value('loadbalancer_id'));
  const protocol = value('protocol') as ListenerProtocol | '';
  rules.loadbalancer_id = { choices: context.loadbalancers.map((r) => choice(r)), hidden: mode === 'update' };
  const protocols = Object.keys(LISTENER_POOL_PROTOCOLS).filter((p) => p !== 'SSL' || lb?.type === 'classic');
  rules.protocol = { choices: protocols.map((p) => ({ value: p, label: p })), note: lb?.type === 'classic' ? undefined : 'SSL listeners need a load balancer of type classic.' };
  const poolProtocols: readonly string[] = protocol === '' ? [] : LISTENER_POOL_PROTOCOLS[protocol];
  rules.default_pool_id = {
    choices: context.pools.filter((p) => p.loadbalancer_id === lb?.id && (protocol === '' || poolProtocols.includes(str(p.protocol)))).map((p) => choice(p, ` (${str(p.protocol)})`)),
    note: protocol === '' ? undefined : `A ${protocol} listener sends to ${poolProtocols.join(', ')} pools.`,
  };
  const tls = protocol !== '' && TLS_LISTENER_PROTOCOLS[protocol];
  for (const name of TLS_LISTENER_FIELDS) rules[name] = { hidden: !tls };
  if (tls) {
    rules.default_tls_container_ref = { choices: serverCerts };
    rules.sni_container_refs = { choices: serverCerts, multiple: true };
    rules.client_ca_tls_container_ref = { choices: clientCerts };
    if (!HTTP_LISTENER_PROTOCOLS[protocol]) for (const name of ['hsts_max_age', 'hsts_include_subdomains', 'hsts_preload']) rules[name] = { hidden: true };
  }
  if (protocol !== '' && !HTTP_LISTENER_PROTOCOLS[protocol]) rules.insert_headers = { hidden: true };
  rules['ipgroup.ipgroup_id'] = { choices: context.ipgroups.map((g) => choice(g)) };
  return rules;
}

function poolRules({ context, mode, value, serverCerts, clientCerts }: RuleInput): Rules {
  const rules: Rules = {};
  const listener = byId(context.listeners, value('listener_id'));
  const lbId = value('loadbalancer_id') || str(listener?.loadbalancer_id);
  rules.loadbalancer_id = { choices: context.loadbalancers.map((r) => choice(r)), hidden: mode === 'update' };
  rules.listener_id = {
    choices: context.listeners.filter((l) => lbId === '' || l.loadbalancer_id === lbId).map((l) => choice(l, ` (${str(l.protocol)}:${String(l.protocol_port)})`)),
    hidden: mode === 'update',
  };
  const listenerProtocol = str(listener?.protocol) as ListenerProtocol | '';
  if (listenerProtocol !== '') {
    rules.protocol = { choices: LISTENER_POOL_PROTOCOLS[listenerProtocol].map((p) => ({ value: p, label: p })), note: `Compatible with the ${listenerProtocol} listener.` };
  }
  persistence(rules, value('protocol') as PoolProtocol | '');
  rules.tls_container_ref = { choices: serverCerts };
  rules.ca_tls_container_ref = { choices: clientCerts };
  return rules;
}

function monitorRules({ context, mode, value }: RuleInput): Rules {
  const rules: Rules = {};
  const pool = byId(context.pools, value('pool_id'));
  rules.pool_id = { choices: context.pools.map((p) => choice(p, ` (${str(p.protocol)})`)), hidden: mode === 'update' };
  const protocol = str(pool?.protocol) as PoolProtocol | '';
  if (protocol !== '') rules.type = { choices: POOL_HEALTH_MONITOR_TYPES[protocol].map((t) => ({ value: t, label: t })), note: `Types a ${protocol} pool takes.` };
  const type = value('type') as HealthMonitorType | '';
  const http = type !== '' && HTTP_HEALTH_MONITOR_TYPES[type];
  for (const name of HTTP_MONITOR_FIELDS) rules[name] = { hidden: !http };
  return rules;
}

function policyRules({ context, mode, value }: RuleInput): Rules {
  const rules: Rules = {};
  const listener = byId(context.listeners, value('listener_id'));
  const protocol = str(listener?.protocol) as ListenerProtocol | '';
  rules.listener_id = { choices: context.listeners.filter((l) => HTTP_LISTENER_PROTOCOLS[str(l.protocol) as ListenerProtocol]).map((l) => choice(l)), hidden: mode === 'update' };
  if (protocol !== '' && !REDIRECT_SOURCE_PROTOCOLS.includes(protocol)) {
    rules.action = { choices: Object.keys(ACTION_FIELDS).filter((a) => a !== 'REDIRECT_TO_LISTENER').map((a) => ({ value: a, label: a })) };
  }
  const action = value('action');
  const poolProtocols: readonly string[] = protocol === '' ? [] : LISTENER_POOL_PROTOCOLS[protocol];
  for (const name of ALL_ACTION_FIELDS) rules[name] = { hidden: !(ACTION_FIELDS[action] ?? []).includes(name) };
  rules.redirect_pool_id = {
    ...rules.redirect_pool_id,
    choices: context.pools.filter((p) => p.loadbalancer_id === listener?.loadbalancer_id && poolProtocols.includes(str(p.protocol))).map((p) => choice(p, ` (${str(p.protocol)})`)),
  };
  rules.redirect_listener_id = {
    ...rules.redirect_listener_id,
    choices: context.listeners
      .filter((l) => l.loadbalancer_id === listener?.loadbalancer_id && REDIRECT_TARGET_PROTOCOLS.includes(str(l.protocol) as ListenerProtocol))
      .map((l) => choice(l, ` (${str(l.protocol)}:${String(l.protocol_port)})`)),
  };
  return rules;
}

function persistence(rules: Rules, protocol: PoolProtocol | ''): void {
  if (protocol === '') return;
  rules['session_persistence.type'] = { choices: POOL_SESSION_PERSISTENCE_TYPES[protocol].map((t) => ({ value: t, label: t })), note: `Persistence types a ${protocol} pool takes.` };
}

/** " — expires in 12 days" for certificates close to expiry. */
export function expiryNote(certificate: ApiObject): string {
  const days = daysLeft(certificate);
  if (days === undefined) return '';
  if (days < 0) return ' — EXPIRED';
  return days < 30 ? ` — expires in ${days} day${days === 1 ? '' : 's'}` : '';
}

export function daysLeft(certificate: ApiObject, now = Date.now()): number | undefined {
  const expires = Date.parse(str(certificate.expires_at));
  return Number.isNaN(expires) ? undefined : Math.floor((expires - now) / 86_400_000);
}
