// The snapshot properties that are a resource's fields as they are: each catalog field declaring
// `snapshot: 'path'` (src/model/resources/<kind>.ts) is copied to that path of its resource's
// snapshot part, and typed there from the field's schema. A new field the data plane reads as it
// is needs nothing here or in snapshot.ts.

import { defaultsOf, perKind, snapshotCopies, type FieldsOf } from '../model/resources/catalog.js';
import type { CopiedToSnapshot, DefaultedFields } from '../model/resources/field.js';
import type { ResourceByKind, ResourceKind } from '../model/types.js';

export type Copied<K extends ResourceKind> = CopiedToSnapshot<FieldsOf<K>>;

const COPIES = perKind(snapshotCopies);
const DEFAULTS = perKind(defaultsOf);

function setPath(part: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target = part;
  for (const segment of path.slice(0, -1)) target = (target[segment] ??= {}) as Record<string, unknown>;
  target[path[path.length - 1] as string] = value;
}

/** The copied properties of one resource's snapshot part. */
export function copiedFields<K extends ResourceKind>(kind: K, resource: ResourceByKind[K]): Copied<K> {
  const values = resource as unknown as Record<string, unknown>;
  const part: Record<string, unknown> = {};
  for (const { field, path } of COPIES[kind]) setPath(part, path, values[field]);
  return part as Copied<K>;
}

/**
 * The copied properties of a resource whose every field is at its default (fields without a
 * default are not in it): the base of snapshot parts built by hand, in tests and tools, so that
 * they stay complete when a field is added.
 */
export function copiedDefaults<K extends ResourceKind>(kind: K): CopiedToSnapshot<DefaultedFields<FieldsOf<K>>> {
  const copies = COPIES[kind].filter(({ field }) => field in DEFAULTS[kind]);
  const defaults = DEFAULTS[kind] as Record<string, unknown>;
  const part: Record<string, unknown> = {};
  for (const { field, path } of copies) setPath(part, path, defaults[field]);
  return part as CopiedToSnapshot<DefaultedFields<FieldsOf<K>>>;
}
