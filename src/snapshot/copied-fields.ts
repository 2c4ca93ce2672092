// The snapshot properties that are a resource's fields as they are: each catalog field declaring
// `snapshot: 'path'` (src/model/resources/<kind>.ts) is copied to that path of its resource's
// snapshot part, and typed there from the field's schema. A new field the data plane reads as it
// is needs nothing here or in snapshot.ts.

import { perKind, snapshotCopies, type FieldsOf } from '../model/resources/catalog.js';
import type { CopiedToSnapshot } from '../model/resources/field.js';
import type { ResourceByKind, ResourceKind } from '../model/types.js';

export type Copied<K extends ResourceKind> = CopiedToSnapshot<FieldsOf<K>>;

const COPIES = perKind(snapshotCopies);

/** The copied properties of one resource's snapshot part. */
export function copiedFields<K extends ResourceKind>(kind: K, resource: ResourceByKind[K]): Copied<K> {
  const values = resource as unknown as Record<string, unknown>;
  const part: Record<string, unknown> = {};
  for (const { field, path } of COPIES[kind]) {
    let target = part;
    for (const segment of path.slice(0, -1)) target = (target[segment] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1] as string] = values[field];
  }
  return part as Copied<K>;
}
