// Values one data plane engine cannot honour (`elbow serve --engine`, docs/engines.md): refused
// with a 400 naming the engine, never stored and then ignored or left to fail a reload. The API
// process checks against the engine it runs; ENGINE_LIMITS is the list docs/engines.md's table
// is tested against.

import { ElbowError } from '../../errors.js';
import type { ResourceKind } from '../types.js';

export type EngineName = 'node' | 'haproxy';

/** Whether HAProxy can take `name` as a sample-fetch argument (a cookie or header name): no blanks, controls or , ( ) \ ' " # $. */
export function isHaproxyFetchArgument(name: string): boolean {
  return name !== '' && [...name].every((ch) => ch > ' ' && ch !== '\x7f' && !',()\\\'"#$'.includes(ch));
}

export interface EngineLimit {
  readonly engine: EngineName;
  readonly kind: ResourceKind;
  /** The field as the API names it (nested fields with a dot). */
  readonly field: string;
  /** What the engine cannot do, for the error and the docs. */
  readonly detail: string;
  /** The value the resource holds, when the limit concerns it; undefined: nothing to check. */
  readonly valueOf: (resource: Readonly<Record<string, unknown>>) => unknown;
  /** True when the engine can honour the value. */
  readonly honoured: (value: unknown) => boolean;
}

const persistence = (name: string) => (resource: Readonly<Record<string, unknown>>) => {
  const value = resource.session_persistence;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
};

// Timers need no entry: the schema bounds every timeout at Octavia's 24 days (model/resources/
// field.ts TIMEOUT_MAX_MS), within both engines' 2^31-1 ms.
export const ENGINE_LIMITS: readonly EngineLimit[] = [
  {
    engine: 'haproxy',
    kind: 'pool',
    field: 'session_persistence.cookie_name',
    detail: 'HAProxy reads the cookie through a sample fetch, whose argument cannot hold blanks, control characters or , ( ) \\ \' " # $',
    valueOf: persistence('cookie_name'),
    honoured: (value) => typeof value !== 'string' || isHaproxyFetchArgument(value),
  },
];

/** NOT_SUPPORTED_BY_ENGINE naming the first field of `resource` the engine cannot honour. */
export function checkEngineLimits(kind: ResourceKind, resource: object, engine: EngineName | undefined): void {
  if (engine === undefined) return;
  for (const limit of ENGINE_LIMITS) {
    if (limit.engine !== engine || limit.kind !== kind) continue;
    const value = limit.valueOf(resource as Record<string, unknown>);
    if (value === undefined || value === null || limit.honoured(value)) continue;
    throw new ElbowError('NOT_SUPPORTED_BY_ENGINE', { field: limit.field, value: JSON.stringify(value), engine, detail: limit.detail });
  }
}
