// Fields fixed at creation (declared `update: 'fixed'` in the catalog): an update may repeat
// their current value (declarative clients send whole objects) but not change it.

import { ElbowError } from '../../errors.js';
import { fixedFields, perKind } from '../resources/catalog.js';
import type { ResourceKind } from '../types.js';

export const IMMUTABLE_FIELDS: Readonly<Record<ResourceKind, readonly string[]>> = perKind(fixedFields);

/** IMMUTABLE_FIELD naming the first immutable field the update would change. */
export function checkImmutableFields(kind: ResourceKind, current: object, update: object): void {
  const before = current as Record<string, unknown>;
  const after = update as Record<string, unknown>;
  for (const field of IMMUTABLE_FIELDS[kind]) {
    if (field in after && after[field] !== undefined && after[field] !== before[field]) throw new ElbowError('IMMUTABLE_FIELD', { field });
  }
}
