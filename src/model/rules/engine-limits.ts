// Values one data plane engine cannot honour (`elbow serve --engine`, docs/engines.md): refused
// with a 400 naming the engine, never stored and then ignored or left to fail a reload. The API
// process checks against the engine it runs; ENGINE_LIMITS is the list docs/engines.md's table
// is tested against.

import { ElbowError } from '../../errors.js';
import type { ResourceKind } from '../types.js';

export type EngineName = 'node' | 'haproxy';

/**
 * Both engines' timers are signed 32-bit milliseconds, about 24.8 days: HAProxy refuses a longer
 * timeout in its configuration, Node cuts it to that length with a warning.
 */
export const MAX_TIMER_MS = 2_147_483_647;

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

const withinTimer = (scale: number) => (value: unknown) => typeof value !== 'number' || value * scale <= MAX_TIMER_MS;
const field = (name: string) => (resource: Readonly<Record<string, unknown>>) => resource[name];
const persistence = (name: string) => (resource: Readonly<Record<string, unknown>>) => {
  const value = resource.session_persistence;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
};

const TIMER_DETAIL: Record<EngineName, string> = {
  haproxy: `HAProxy's timers end at ${MAX_TIMER_MS} ms (about 24.8 days)`,
  node: `Node's timers end at ${MAX_TIMER_MS} ms (about 24.8 days); a longer one would be cut short`,
};

const timerLimit = (engine: EngineName, kind: ResourceKind, name: string, unit: 'ms' | 's', valueOf = field(name)): EngineLimit => ({
  engine,
  kind,
  field: name,
  detail: `${TIMER_DETAIL[engine]}${unit === 's' ? `: at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds` : ''}`,
  valueOf,
  honoured: withinTimer(unit === 's' ? 1000 : 1),
});

/** Timers every engine runs on. */
const timers = (engine: EngineName): EngineLimit[] => [
  timerLimit(engine, 'listener', 'timeout_client_data', 'ms'),
  timerLimit(engine, 'listener', 'timeout_member_connect', 'ms'),
  timerLimit(engine, 'listener', 'timeout_member_data', 'ms'),
  timerLimit(engine, 'listener', 'timeout_http_keep_alive', 'ms'),
  timerLimit(engine, 'healthmonitor', 'delay', 's'),
  timerLimit(engine, 'healthmonitor', 'timeout', 's'),
];

export const ENGINE_LIMITS: readonly EngineLimit[] = [
  ...timers('node'),
  ...timers('haproxy'),
  // HAProxy's stick-table expiry is one of its timers; Node keeps SOURCE_IP bindings by timestamp.
  timerLimit('haproxy', 'pool', 'session_persistence.persistence_timeout', 's', persistence('persistence_timeout')),
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
