// Pure VIP allocation (design.md §4): the first free IPv4 address of the configured range.

import { ElbowError } from '../errors.js';
import { normalizeIp, parseIp } from './cidr.js';

export interface VipRange {
  readonly start: string;
  readonly end: string;
}

/** The loopback block from 127.0.1.1 upward, so a fresh install works without touching the network. */
export const DEFAULT_VIP_RANGE: VipRange = { start: '127.0.1.1', end: '127.255.255.254' };

function ipv4ToNumber(text: string, field: string): number {
  const parsed = parseIp(text);
  if (!parsed || parsed.family !== 4) throw new ElbowError('VIP_INVALID', { address: text, detail: `${field} of the VIP range must be an IPv4 address` });
  const b = parsed.bytes;
  return (((b[0] as number) << 24) >>> 0) + ((b[1] as number) << 16) + ((b[2] as number) << 8) + (b[3] as number);
}

function numberToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
}

/** `"10.0.5.10-10.0.5.99"` → a range; INVALID_BODY naming `field` unless both ends are IPv4 and in order. */
export function parseVipRange(text: string, field: string): VipRange {
  const [start, end, ...rest] = text.split('-').map((part) => part.trim());
  const bad = (detail: string) => new ElbowError('INVALID_BODY', { field, detail });
  if (start === undefined || end === undefined || rest.length > 0) throw bad(`${JSON.stringify(text)} is not "first-last"`);
  const [first, last] = [parseIp(start), parseIp(end)];
  if (first?.family !== 4 || last?.family !== 4) throw bad(`${JSON.stringify(text)}: both ends must be IPv4 addresses`);
  if (ipv4ToNumber(start, 'start') > ipv4ToNumber(end, 'end')) throw bad(`${JSON.stringify(text)} ends before it starts`);
  return { start: normalizeIp(start) ?? start, end: normalizeIp(end) ?? end };
}

/**
 * The lowest address of the range not in `inUse` (compared in canonical form).
 * Throws VIP_RANGE_EXHAUSTED when every address is taken.
 */
export function allocateVip(range: VipRange, inUse: Iterable<string>): string {
  const start = ipv4ToNumber(range.start, 'start');
  const end = ipv4ToNumber(range.end, 'end');
  const taken = new Set<string>();
  for (const address of inUse) taken.add(normalizeIp(address) ?? address);
  for (let candidate = start; candidate <= end; candidate++) {
    const text = numberToIpv4(candidate);
    if (!taken.has(text)) return text;
  }
  throw new ElbowError('VIP_RANGE_EXHAUSTED', { range: `${range.start}-${range.end}` });
}
