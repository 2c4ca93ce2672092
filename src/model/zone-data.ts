// What an availability zone means in elbow: its profile's availability_zone_data (a JSON object,
// as Octavia stores it: a string) may give `vip_range`, the addresses VIPs of the zone's load
// balancers are allocated from ("first-last", IPv4) instead of elbow's configured range.
// Which elbow nodes serve a zone's load balancers is no key of it: a node says its zone at start
// (elbow serve --availability-zone, model/placement.ts).

import { ElbowError } from '../errors.js';
import { parseProfileObject } from './profile-json.js';
import { parseVipRange, type VipRange } from './vip.js';

export const ZONE_KEYS = ['vip_range'] as const;

export interface ZoneSettings {
  readonly vipRange?: VipRange;
}

/** A provider's availability zone capabilities, Octavia's `{name, description}`. */
export function zoneCapabilities(): { name: string; description: string }[] {
  return [{ name: 'vip_range', description: 'VIPs of load balancers in this zone are allocated from this IPv4 range, "first-last" (e.g. "10.0.5.10-10.0.5.99"), when they name no vip_address' }];
}

/** Parses and checks availability_zone_data; INVALID_BODY naming the problem. */
export function parseZoneData(text: string, field = 'availability_zone_data'): ZoneSettings {
  const parsed = parseProfileObject(text, field);
  const settings: { vipRange?: VipRange } = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key !== 'vip_range') throw new ElbowError('INVALID_BODY', { field, detail: `unknown key ${JSON.stringify(key)}: elbow honours ${ZONE_KEYS.join(', ')}` });
    if (typeof value !== 'string') throw new ElbowError('INVALID_BODY', { field, detail: 'vip_range must be a string "first-last"' });
    settings.vipRange = parseVipRange(value, `${field}.vip_range`);
  }
  return settings;
}
