// The PROXY protocol header (HAProxy's proxy-protocol.txt) a PROXY / PROXYV2 pool's members get
// before the first byte of the client's stream: v1 is one text line, v2 a binary block. Both carry
// the client's address and port and the listener address and port the client connected to.

import { parseIp } from '../../model/cidr.js';
import type { IpAddress } from '../../model/cidr.js';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_PROXY_COMMAND = 0x21; // version 2, PROXY
const V2_LOCAL_COMMAND = 0x20; // version 2, LOCAL: no addresses follow
const V2_TCP4 = 0x11;
const V2_TCP6 = 0x21;

/** An IPv4-mapped IPv6 address (what a dual-stack socket reports) as the IPv4 address it carries. */
function unmapped(address: IpAddress): IpAddress {
  const b = address.bytes;
  if (address.family === 6 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return { family: 4, bytes: b.subarray(12) };
  }
  return address;
}

/** Both addresses in one family, or null when they cannot be (then the header says UNKNOWN / LOCAL). */
function addressPair(source: Endpoint, destination: Endpoint): [IpAddress, IpAddress] | null {
  const src = parseIp(source.address);
  const dst = parseIp(destination.address);
  if (!src || !dst) return null;
  const a = unmapped(src);
  const b = unmapped(dst);
  return a.family === b.family ? [a, b] : null;
}

function textOf(address: IpAddress): string {
  if (address.family === 4) return Array.from(address.bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((address.bytes[i] as number) << 8) | (address.bytes[i + 1] as number)).toString(16));
  return groups.join(':');
}

export function proxyHeaderV1(source: Endpoint, destination: Endpoint): Buffer {
  const pair = addressPair(source, destination);
  if (!pair) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  const [src, dst] = pair;
  const family = src.family === 4 ? 'TCP4' : 'TCP6';
  return Buffer.from(`PROXY ${family} ${textOf(src)} ${textOf(dst)} ${source.port} ${destination.port}\r\n`, 'latin1');
}

export function proxyHeaderV2(source: Endpoint, destination: Endpoint): Buffer {
  const pair = addressPair(source, destination);
  if (!pair) {
    const header = Buffer.alloc(16);
    V2_SIGNATURE.copy(header);
    header[12] = V2_LOCAL_COMMAND;
    return header;
  }
  const [src, dst] = pair;
  const addressLength = src.family === 4 ? 12 : 36;
  const header = Buffer.alloc(16 + addressLength);
  V2_SIGNATURE.copy(header);
  header[12] = V2_PROXY_COMMAND;
  header[13] = src.family === 4 ? V2_TCP4 : V2_TCP6;
  header.writeUInt16BE(addressLength, 14);
  header.set(src.bytes, 16);
  header.set(dst.bytes, 16 + src.bytes.length);
  header.writeUInt16BE(source.port, 16 + 2 * src.bytes.length);
  header.writeUInt16BE(destination.port, 18 + 2 * src.bytes.length);
  return header;
}
