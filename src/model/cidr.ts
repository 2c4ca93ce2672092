// IPv4/IPv6 addresses and CIDR blocks, parsed without node:net so the model stays pure.
// The data plane reuses cidrContains on every accepted connection (allowed_cidrs, ip groups),
// so a block is parsed once into bytes and matching is a short byte loop.

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  /** 4 bytes (IPv4) or 16 bytes (IPv6), network order. */
  readonly bytes: Uint8Array;
}

export interface CidrBlock extends IpAddress {
  /** Prefix length: 0–32 (IPv4) or 0–128 (IPv6). */
  readonly prefix: number;
}

const DECIMAL_OCTET = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    if (!DECIMAL_OCTET.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseGroups(text: string): number[] | null {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    // An embedded IPv4 address may end the text (::ffff:192.0.2.1).
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return null;
      groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      continue;
    }
    if (!HEX_GROUP.test(part)) return null;
    groups.push(parseInt(part, 16));
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | null {
  const doubleColon = text.indexOf('::');
  let groups: number[];
  if (doubleColon === -1) {
    const all = parseGroups(text);
    if (!all || all.length !== 8) return null;
    groups = all;
  } else {
    if (text.indexOf('::', doubleColon + 1) !== -1) return null;
    const head = parseGroups(text.slice(0, doubleColon));
    const tail = parseGroups(text.slice(doubleColon + 2));
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** Parses a literal IPv4 or IPv6 address (no zone id); null when it is not one. */
export function parseIp(text: string): IpAddress | null {
  if (text.includes(':')) {
    const bytes = parseIpv6(text);
    return bytes ? { family: 6, bytes } : null;
  }
  const bytes = parseIpv4(text);
  return bytes ? { family: 4, bytes } : null;
}

/**
 * Parses `address/prefix`, or a bare address as a single-host block (/32, /128).
 * Host bits after the prefix are allowed and ignored (192.0.2.1/24 is 192.0.2.0/24).
 */
export function parseCidr(text: string): CidrBlock | null {
  const slash = text.indexOf('/');
  const address = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!address) return null;
  const max = address.family === 4 ? 32 : 128;
  if (slash === -1) return { ...address, prefix: max };
  const prefixText = text.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix > max ? null : { ...address, prefix };
}

export function isIpAddress(text: string): boolean {
  return parseIp(text) !== null;
}

export function isCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), else null. */
function unmapIpv4(bytes: Uint8Array): Uint8Array | null {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return null;
  return bytes[10] === 0xff && bytes[11] === 0xff ? bytes.subarray(12) : null;
}

function prefixMatches(block: Uint8Array, prefix: number, address: Uint8Array): boolean {
  const whole = prefix >> 3;
  for (let i = 0; i < whole; i++) if (block[i] !== address[i]) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (((block[whole] as number) ^ (address[whole] as number)) & mask) === 0;
}

/**
 * True when the address lies in the block. An IPv4-mapped IPv6 address (what a dual-stack
 * socket reports for an IPv4 client) matches IPv4 blocks.
 */
export function cidrContains(block: CidrBlock, address: IpAddress | string): boolean {
  const parsed = typeof address === 'string' ? parseIp(address) : address;
  if (!parsed) return false;
  if (block.family === parsed.family) return prefixMatches(block.bytes, block.prefix, parsed.bytes);
  if (block.family === 4) {
    const v4 = unmapIpv4(parsed.bytes);
    return v4 !== null && prefixMatches(block.bytes, block.prefix, v4);
  }
  return false;
}

/** Canonical text of an address (IPv6 compressed as RFC 5952 says), for comparing addresses. */
export function formatIp(address: IpAddress): string {
  if (address.family === 4) return Array.from(address.bytes).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((address.bytes[i] as number) << 8) | (address.bytes[i + 1] as number));
  // Longest run of two or more zero groups becomes '::'.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Canonical form of an address literal, or null when it is not one. */
export function normalizeIp(text: string): string | null {
  const parsed = parseIp(text);
  return parsed ? formatIp(parsed) : null;
}

/**
 * A netmask (`255.255.255.0`, `ffff:ffff:ffff:ffff::`) as a family and prefix length, or null when
 * the text is not an address or its ones are not contiguous.
 */
export function parseNetmask(text: string): { family: IpFamily; prefix: number } | null {
  const parsed = parseIp(text);
  if (!parsed) return null;
  let prefix = 0;
  let ended = false;
  for (const byte of parsed.bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = ((byte >> bit) & 1) === 1;
      if (one && ended) return null;
      if (one) prefix++;
      else ended = true;
    }
  }
  return { family: parsed.family, prefix };
}

/**
 * The network an address belongs to under a prefix (its host bits cleared), as canonical text;
 * IPv4-mapped IPv6 addresses count as IPv4. An address of the other family is returned as it is.
 */
export function networkOf(address: string, family: IpFamily, prefix: number): string {
  const parsed = parseIp(address);
  if (!parsed) return address;
  const bytes = parsed.family === family ? parsed.bytes : family === 4 ? unmapIpv4(parsed.bytes) : null;
  if (bytes === null) return address;
  const masked = new Uint8Array(bytes);
  for (let i = 0; i < masked.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    masked[i] = (masked[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return formatIp({ family, bytes: masked });
}
