// Fields that mean something only for some values of another field (the catalog's `appliesWhen`),
// e.g. an HTTP keep-alive timeout only on HTTP-speaking listeners: set anywhere else it would be
// silently ignored, so it is refused instead.

import { Value } from '@sinclair/typebox/value';
import { ElbowError } from '../../errors.js';
import { fieldsOf, perKind } from '../resources/catalog.js';
import type { ResourceKind } from '../types.js';

const CONDITIONAL = perKind((kind) =>
  fieldsOf(kind).flatMap(([name, field]) => (field.appliesWhen === undefined ? [] : [{ name, default: field.default, when: field.appliesWhen }])),
);

/** INVALID_BODY naming the first field set away from its default where it does not apply. */
export function checkFieldsApply(kind: ResourceKind, resource: object): void {
  const values = resource as Record<string, unknown>;
  for (const { name, default: fallback, when } of CONDITIONAL[kind]) {
    const value = values[name];
    if (value === undefined || Value.Equal(value, fallback)) continue;
    const other = values[when.field];
    if (!when.values.includes(String(other))) {
      throw new ElbowError('INVALID_BODY', { field: name, detail: `applies only when ${when.field} is ${when.values.join(', ')} (it is ${String(other)})` });
    }
  }
}
