// Octavia's single-call create: a create body may nest the resources to create with it, all in
// the one transaction of the request (all or nothing, one revision, one apply). A load balancer
// takes `listeners` (each with its `default_pool` and `l7policies`, each policy with its `rules`
// and `redirect_pool`) and `pools` (with `members` and `healthmonitor`); a pool takes `members`
// and `healthmonitor`; a listener `default_pool` and `l7policies`; a policy `redirect_pool` and
// `rules`. The catalog declares these fields (`nests`), so the body is validated as a whole first.
//
// In a load balancer's body, pools are named: `{"name": "web"}` as a listener's default_pool or a
// policy's redirect_pool refers to the pool of that name defined in `pools` or in another
// listener's or policy's full definition (Octavia's _graph_create), and every definition is
// created before the listeners that use it.

import { ElbowError } from '../errors.js';
import { checkEngineLimits } from '../model/rules/engine-limits.js';
import { checkFieldsApply } from '../model/rules/field-applies.js';
import type { NestedBody } from '../model/resources/field.js';
import type { AnyResource, L7Policy, Listener, LoadBalancer, Pool, ResourceByKind, ResourceKind } from '../model/types.js';
import type { StoreTx } from '../store/store.js';
import type { MutationContext } from './handlers/handler.js';
import { HANDLERS } from './handlers/registry.js';
import { checkQuota } from './quotas.js';

type Body = Record<string, unknown>;
/** A load balancer body's pools, by name. */
type PoolsByName = ReadonlyMap<string, string>;

/** Creates one resource through its handler (nested fields are the caller's business), within its project's quota. */
export async function createOne<K extends ResourceKind>(tx: StoreTx, kind: K, body: Body, ctx: MutationContext): Promise<ResourceByKind[K]> {
  const create = HANDLERS[kind].create as (tx: StoreTx, body: unknown, ctx: MutationContext) => Promise<ResourceByKind[K]>;
  const resource = await create(tx, body, ctx);
  // Thrown inside the transaction: nothing is written.
  checkFieldsApply(kind, resource);
  checkEngineLimits(kind, resource, ctx.engine);
  await checkQuota(tx, kind, resource.project_id);
  return resource;
}

/** Creates a resource of any kind with everything nested in its body; returns the resource. */
export async function createWithNested(tx: StoreTx, kind: ResourceKind, body: Body, ctx: MutationContext): Promise<AnyResource> {
  switch (kind) {
    case 'loadbalancer':
      return createLoadBalancer(tx, body, ctx);
    case 'listener':
      return createListener(tx, body, ctx, undefined, '');
    case 'pool':
      return createPool(tx, body, ctx, '');
    case 'l7policy':
      return createPolicy(tx, body, ctx, undefined, '');
    default:
      return createOne(tx, kind, body, ctx);
  }
}

/** Splits a body into its own fields and the nested ones named. */
function split(body: Body, nested: readonly string[]): [Body, Record<string, unknown>] {
  const own: Body = {};
  const children: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) (nested.includes(key) ? children : own)[key] = value;
  return [own, children];
}

const list = (value: unknown): NestedBody[] => (Array.isArray(value) ? (value as NestedBody[]) : []);
const one = (value: unknown): NestedBody | undefined => (value !== null && typeof value === 'object' ? (value as NestedBody) : undefined);

/** A nested pool that is only `{"name": …}` refers to a pool defined elsewhere in the body. */
function isReference(pool: NestedBody): boolean {
  const keys = Object.keys(pool).filter((key) => pool[key] !== undefined);
  return keys.length === 1 && keys[0] === 'name';
}

function invalid(field: string, detail: string): ElbowError {
  return new ElbowError('INVALID_BODY', { field, detail });
}

async function createLoadBalancer(tx: StoreTx, body: Body, ctx: MutationContext): Promise<LoadBalancer> {
  const [own, { listeners, pools }] = split(body, ['listeners', 'pools']);
  const lb = await createOne(tx, 'loadbalancer', own, ctx);
  const listenerBodies = list(listeners);
  // Every full pool definition, wherever it is in the body, with where it was found.
  const definitions: { body: NestedBody; at: string }[] = list(pools).map((pool, i) => ({ body: pool, at: `pools[${i}]` }));
  const references: { name: unknown; at: string }[] = [];
  const collect = (pool: NestedBody | undefined, at: string) => {
    if (pool === undefined) return;
    if (isReference(pool)) references.push({ name: pool.name, at });
    else definitions.push({ body: pool, at });
  };
  listenerBodies.forEach((listener, i) => {
    collect(one(listener.default_pool), `listeners[${i}].default_pool`);
    list(listener.l7policies).forEach((policy, j) => collect(one(policy.redirect_pool), `listeners[${i}].l7policies[${j}].redirect_pool`));
  });
  const byName = new Map<string, string>();
  const named = new Set<string>();
  for (const { body: pool, at } of definitions) {
    if (typeof pool.name !== 'string' || pool.name === '') throw invalid(`${at}.name`, 'pools must be named when creating a fully populated load balancer');
    if (named.has(pool.name)) throw invalid(`${at}.name`, `pool names must be unique when creating a fully populated load balancer (${pool.name} is given twice)`);
    named.add(pool.name);
  }
  for (const { name, at } of references) {
    if (typeof name !== 'string' || !named.has(name)) throw invalid(at, `pool ${JSON.stringify(name)} was referenced but no full definition was found`);
  }
  for (const { body: pool, at } of definitions) {
    const created = await createPool(tx, { ...pool, loadbalancer_id: lb.id }, ctx, at);
    byName.set(created.name, created.id);
  }
  for (const [i, listener] of listenerBodies.entries()) await createListener(tx, { ...listener, loadbalancer_id: lb.id }, ctx, byName, `listeners[${i}]`);
  return lb;
}

/**
 * `poolIds`: in a load balancer's body, its pools by name (all created already, the full
 * definitions found in listeners and policies included); undefined for a listener created alone.
 */
async function createListener(tx: StoreTx, body: Body, ctx: MutationContext, poolIds: PoolsByName | undefined, at: string): Promise<Listener> {
  const [own, { default_pool, l7policies }] = split(body, ['default_pool', 'l7policies']);
  const defaultPool = one(default_pool);
  const createHere = defaultPool !== undefined && poolIds === undefined && !isReference(defaultPool);
  if (defaultPool !== undefined && !createHere) own.default_pool_id = resolvePool(defaultPool, poolIds, `${prefix(at)}default_pool`);
  const listener = await createOne(tx, 'listener', own, ctx);
  // Created alone, the listener's pool is created as its default pool.
  if (createHere) await createPool(tx, { ...defaultPool, listener_id: listener.id }, ctx, `${prefix(at)}default_pool`);
  for (const [i, policy] of list(l7policies).entries()) await createPolicy(tx, { ...policy, listener_id: listener.id }, ctx, poolIds, `${prefix(at)}l7policies[${i}]`);
  return listener;
}

/** The id of the pool a nested pool names, from the body's definitions. */
function resolvePool(pool: NestedBody, poolIds: PoolsByName | undefined, at: string): string {
  const id = typeof pool.name === 'string' ? poolIds?.get(pool.name) : undefined;
  if (id === undefined) throw invalid(at, `pool ${JSON.stringify(pool.name)} was referenced but no full definition was found`);
  return id;
}

async function createPool(tx: StoreTx, body: Body, ctx: MutationContext, at: string): Promise<Pool> {
  const [own, { members, healthmonitor }] = split(body, ['members', 'healthmonitor']);
  // Nested pools may be references, so their schema requires nothing: a definition needs these.
  for (const field of ['protocol', 'lb_algorithm']) if (own[field] === undefined) throw invalid(`${prefix(at)}${field}`, 'required in a pool definition');
  const pool = await createOne(tx, 'pool', own, ctx);
  const monitor = one(healthmonitor);
  if (monitor !== undefined) await createOne(tx, 'healthmonitor', { ...monitor, pool_id: pool.id }, ctx);
  const memberContext = { ...ctx, parent: { pool_id: pool.id } };
  for (const member of list(members)) await createOne(tx, 'member', member, memberContext);
  return pool;
}

async function createPolicy(tx: StoreTx, body: Body, ctx: MutationContext, poolIds: PoolsByName | undefined, at: string): Promise<L7Policy> {
  const [own, { redirect_pool, rules }] = split(body, ['redirect_pool', 'rules']);
  const target = one(redirect_pool);
  if (target !== undefined) {
    if (poolIds !== undefined || isReference(target)) {
      own.redirect_pool_id = resolvePool(target, poolIds, `${prefix(at)}redirect_pool`);
    } else {
      // A standalone policy create: its target pool is created on the listener's load balancer first.
      const listener = await tx.get('listener', String(own.listener_id));
      if (listener === undefined) throw new ElbowError('NOT_FOUND', { kind: 'listener', id: String(own.listener_id) });
      own.redirect_pool_id = (await createPool(tx, { ...target, loadbalancer_id: listener.loadbalancer_id }, ctx, `${prefix(at)}redirect_pool`)).id;
    }
  }
  const policy = await createOne(tx, 'l7policy', own, ctx);
  const ruleContext = { ...ctx, parent: { l7policy_id: policy.id } };
  for (const rule of list(rules)) await createOne(tx, 'l7rule', rule, ruleContext);
  return policy;
}

/** `listeners[0]` → `listeners[0].`; '' for a top-level body. */
function prefix(at: string): string {
  return at === '' ? '' : `${at}.`;
}
