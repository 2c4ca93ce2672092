// What each resource kind's handler does inside the one store transaction of a change:
// validate the new state against the model's rules and the stored neighbours, then write.

import { randomUUID } from 'node:crypto';
import { ElbowError } from '../../errors.js';
import type { CreateBody, UpdateBody } from '../../model/schemas.js';
import type { ResourceBase, ResourceByKind, ResourceKind, Statuses } from '../../model/types.js';
import type { VipRange } from '../../model/vip.js';
import type { StoreTx } from '../../store/store.js';

export interface Parent {
  pool_id?: string;
  l7policy_id?: string;
}

export interface MutationContext {
  readonly projectId: string;
  readonly vipRange: VipRange;
  /** Octavia's timestamp format: seconds, no zone. */
  readonly now: string;
  readonly parent: Parent;
  readonly cascade: boolean;
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

export function newBase(ctx: MutationContext): ResourceBase {
  return { id: randomUUID(), project_id: ctx.projectId, created_at: ctx.now, updated_at: null };
}

export const ACTIVE: Statuses = { provisioning_status: 'ACTIVE', operating_status: 'ONLINE' };

/** Octavia's timestamp: `2026-11-29T08:24:40`. */
export function octaviaTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19);
}

const IGNORED = new Set(['project_id', 'tenant_id']);
/** name/description: null clears them to "" (Octavia shows "" for unset text). */
const TEXT_FIELDS = new Set(['name', 'description']);

export type Meaningful<T> = { [K in keyof T]?: K extends 'name' | 'description' ? Exclude<T[K], null | undefined> : Exclude<T[K], undefined> };

/** The body's fields that mean something: no ignored fields, no undefined, null text as "". */
export function meaningful<T extends object>(body: T): Meaningful<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (IGNORED.has(key) || value === undefined) continue;
    out[key] = value === null && TEXT_FIELDS.has(key) ? '' : value;
  }
  return out as Meaningful<T>;
}

/** Fields whose null means "back to the default" (Octavia's _set_default_on_none). */
export function nullToDefault<T extends object>(value: T, defaults: Partial<T>): T {
  const out = { ...value } as Record<string, unknown>;
  for (const [key, fallback] of Object.entries(defaults)) if (out[key] === null) out[key] = fallback;
  return out as T;
}
