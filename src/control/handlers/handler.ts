// What each resource kind's handler does inside the one store transaction of a change:
// validate the new state against the model's rules and the stored neighbours, then write.

import { randomUUID } from 'node:crypto';
import { ElbowError } from '../../errors.js';
import type { EngineName } from '../../model/rules/engine-limits.js';
import type { CreateBody, UpdateBody } from '../../model/schemas.js';
import { nestingFields, nullResetDefaults, perKind, type FieldsOf } from '../../model/resources/catalog.js';
import { IGNORED_INPUT, type NullResetKeys } from '../../model/resources/field.js';
import type { ResourceBase, ResourceByKind, ResourceKind } from '../../model/types.js';
import type { VipRange } from '../../model/vip.js';
import type { StoreTx } from '../../store/store.js';

export interface Parent {
  pool_id?: string;
  l7policy_id?: string;
}

export interface MutationContext {
  /** The request's project (its X-Project-Id header), else the server's. */
  readonly projectId: string;
  readonly vipRange: VipRange;
  /** Octavia's timestamp format: seconds, no zone. */
  readonly now: string;
  readonly parent: Parent;
  readonly cascade: boolean;
  /** The data plane engine this process runs (values it cannot honour are refused); undefined: no engine limits. */
  readonly engine?: EngineName;
}

export interface KindHandler<K extends ResourceKind> {
  create(tx: StoreTx, body: CreateBody<K>, ctx: MutationContext): Promise<ResourceByKind[K]>;
  update(tx: StoreTx, current: ResourceByKind[K], body: UpdateBody<K>, ctx: MutationContext): Promise<ResourceByKind[K]>;
  remove(tx: StoreTx, current: ResourceByKind[K], ctx: MutationContext): Promise<void>;
}

export async function mustGet<K extends ResourceKind>(tx: StoreTx, kind: K, id: string): Promise<ResourceByKind[K]> {
  const found = await tx.get(kind, id);
  if (!found) throw new ElbowError('NOT_FOUND', { kind, id });
  return found;
}

/** A new resource's common fields; it belongs to `projectId` (its load balancer's, for the resources below one). */
export function newBase(ctx: MutationContext, projectId: string = ctx.projectId): ResourceBase {
  return { id: randomUUID(), project_id: projectId, created_at: ctx.now, updated_at: null };
}

/** The project a top-level resource is created in: the body's project_id (Octavia lets an admin name one), else the request's. */
export function requestedProject(body: { project_id?: string; tenant_id?: string }, ctx: MutationContext): string {
  return body.project_id || body.tenant_id || ctx.projectId;
}

/** Octavia's timestamp: `2026-11-29T08:24:40`. */
export function octaviaTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19);
}

const IGNORED = new Set(Object.keys(IGNORED_INPUT));
const NULL_RESETS = perKind(nullResetDefaults);
/** Fields holding nested resources to create (single-create.ts creates them, not the handler). */
const NESTED = perKind((kind) => new Set(nestingFields(kind).map(({ field }) => field)));

export type Meaningful<K extends ResourceKind, T> = {
  [P in keyof T]?: P extends NullResetKeys<FieldsOf<K>> ? Exclude<T[P], null | undefined> : Exclude<T[P], undefined>;
};

/**
 * The body's fields that mean something: no ignored fields, no nested resources, no undefined, and null back to the
 * default where the catalog says so (name and description "" as Octavia shows unset text;
 * a listener's timeouts, insert_headers, sni_container_refs).
 */
export function meaningful<K extends ResourceKind, T extends object>(kind: K, body: T): Meaningful<K, T> {
  const resets = NULL_RESETS[kind];
  const nested = NESTED[kind];
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (IGNORED.has(key) || nested.has(key) || value === undefined) continue;
    out[key] = value === null && key in resets ? resets[key] : value;
  }
  return out as Meaningful<K, T>;
}

/** Fields whose null means "back to the default" (Octavia's _set_default_on_none). */
export function nullToDefault<T extends object>(value: T, defaults: Partial<T>): T {
  const out = { ...value } as Record<string, unknown>;
  for (const [key, fallback] of Object.entries(defaults)) if (out[key] === null) out[key] = fallback;
  return out as T;
}
