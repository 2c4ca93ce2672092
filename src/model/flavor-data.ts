// What a flavor means in elbow: its profile's flavor_data (a JSON object, as Octavia stores it: a
// string) sets the defaults of the listeners of the load balancers of that flavor. A listener field
// left at elbow's default takes the flavor's value; a listener that sets its own keeps it. The
// snapshot builder applies them (so both engines see them); the keys are listener fields, checked
// against the listener's own schema, and an unknown key is refused when the profile is written.

import { Value } from '@sinclair/typebox/value';
import { ElbowError } from '../errors.js';
import { parseProfileObject } from './profile-json.js';
import { LISTENER } from './resources/listener.js';
import { TLS_VERSIONS, checkAllowedValues } from './rules/listener-tls.js';
import type { Listener } from './types.js';

/** The flavor_data keys elbow honours: listener fields whose default a flavor may set. */
export const FLAVOR_KEYS = [
  'connection_limit',
  'timeout_client_data',
  'timeout_member_connect',
  'timeout_member_data',
  'timeout_http_keep_alive',
  'tls_ciphers',
  'tls_versions',
] as const;
export type FlavorKey = (typeof FLAVOR_KEYS)[number];

/** The listener defaults a flavor gives. */
export type FlavorDefaults = Readonly<Partial<Pick<Listener, FlavorKey>>>;

/** A provider's flavor capabilities, Octavia's `{name, description}` (GET /providers/{p}/flavor_capabilities). */
export function flavorCapabilities(): { name: string; description: string }[] {
  return FLAVOR_KEYS.map((key) => ({ name: key, description: `Default of its listeners' ${key}: ${LISTENER.fields[key].doc}` }));
}

const isKey = (key: string): key is FlavorKey => (FLAVOR_KEYS as readonly string[]).includes(key);

/** Parses and checks flavor_data; INVALID_BODY naming the problem (not JSON, not an object, an unknown key, a bad value). */
export function parseFlavorData(text: string, field = 'flavor_data'): FlavorDefaults {
  const parsed = parseProfileObject(text, field);
  const defaults: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!isKey(key)) throw new ElbowError('INVALID_BODY', { field, detail: `unknown key ${JSON.stringify(key)}: elbow honours ${FLAVOR_KEYS.join(', ')}` });
    if (!Value.Check(LISTENER.fields[key].schema, value)) throw new ElbowError('INVALID_BODY', { field, detail: `${key} ${JSON.stringify(value)} is not a valid listener ${key}` });
    if (key === 'tls_versions') checkAllowedValues(`${field}.tls_versions`, value as string[] | null, TLS_VERSIONS);
    if (value !== null) defaults[key] = value;
  }
  return defaults as FlavorDefaults;
}

const DEFAULTS = Object.fromEntries(FLAVOR_KEYS.map((key) => [key, LISTENER.fields[key].default])) as Record<FlavorKey, unknown>;
/** Where a listener field applies (`appliesWhen`): a flavor does not set it elsewhere. */
const APPLIES = Object.fromEntries(FLAVOR_KEYS.map((key) => [key, (LISTENER.fields[key] as { appliesWhen?: { field: string; values: readonly string[] } }).appliesWhen]));

/** The listener as the data plane runs it: each field still at elbow's default takes the flavor's value. */
export function withFlavorDefaults(listener: Listener, defaults: FlavorDefaults): Listener {
  let effective: Listener | undefined;
  for (const key of FLAVOR_KEYS) {
    const value = defaults[key];
    if (value === undefined || !Value.Equal(listener[key], DEFAULTS[key])) continue;
    const when = APPLIES[key];
    if (when !== undefined && !when.values.includes(String((listener as Record<string, unknown>)[when.field]))) continue;
    effective ??= { ...listener };
    (effective as Record<string, unknown>)[key] = value;
  }
  return effective ?? listener;
}
