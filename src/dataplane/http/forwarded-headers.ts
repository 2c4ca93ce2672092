// The headers a member receives and the headers a client receives: hop-by-hop headers removed
// (RFC 9110 §7.6.1: Connection and the headers it names, Keep-Alive, TE, Trailer,
// Transfer-Encoding (Node re-frames the body), Upgrade outside upgrades, Proxy-*), Host kept, and
// the listener's insert_headers added. Octavia's values are the strings "true"/"false".

import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'http2-settings']);

/** An outgoing header list: lower-case name → value(s), in the order first seen. */
export type HeaderList = Map<string, string[]>;

/** Names the Connection header lists (they are hop-by-hop too). */
function connectionTokens(values: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  for (const value of values) {
    for (const token of value.split(',')) tokens.add(token.trim().toLowerCase());
  }
  return tokens;
}

/**
 * Copies raw headers (name, value, name, value…) without hop-by-hop ones. HTTP/2 pseudo-headers
 * are dropped too; `keepUpgrade` keeps Connection/Upgrade for an upgrade request.
 */
export function endToEndHeaders(rawHeaders: readonly string[], keepUpgrade = false): HeaderList {
  const connection: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? '').toLowerCase() === 'connection') connection.push(rawHeaders[i + 1] ?? '');
  }
  const named = connectionTokens(connection);
  const headers: HeaderList = new Map();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (name.startsWith(':')) continue;
    const upgradeHeader = keepUpgrade && (name === 'connection' || name === 'upgrade');
    if (!upgradeHeader && (HOP_BY_HOP.has(name) || name.startsWith('proxy-') || named.has(name))) continue;
    const value = rawHeaders[i + 1] ?? '';
    const list = headers.get(name);
    if (list) list.push(value);
    else headers.set(name, [value]);
  }
  if (keepUpgrade) headers.set('connection', ['Upgrade']);
  return headers;
}

export interface ForwardingFacts {
  readonly clientAddress: string;
  readonly clientPort: number;
  /** The listener's own address and port as the client connected to them. */
  readonly localAddress: string;
  readonly localPort: number;
  readonly scheme: 'http' | 'https';
  /** The Host the client asked for (HTTP/2: :authority). */
  readonly host: string | undefined;
}

const enabled = (insert: Readonly<Record<string, string>>, name: string): boolean =>
  Object.entries(insert).some(([key, value]) => key.toLowerCase() === name && String(value).toLowerCase() === 'true');

/** Applies insert_headers: X-Forwarded-For appended; the others set to elbow's values. */
export function insertForwardedHeaders(headers: HeaderList, insert: Readonly<Record<string, string>>, facts: ForwardingFacts): void {
  const client = facts.clientAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (enabled(insert, 'x-forwarded-for')) {
    const previous = headers.get('x-forwarded-for')?.join(', ');
    headers.set('x-forwarded-for', [previous ? `${previous}, ${client}` : client]);
  }
  if (enabled(insert, 'x-forwarded-port')) headers.set('x-forwarded-port', [String(facts.localPort)]);
  if (enabled(insert, 'x-forwarded-proto')) headers.set('x-forwarded-proto', [facts.scheme]);
  if (enabled(insert, 'x-real-ip')) headers.set('x-real-ip', [client]);
  if (enabled(insert, 'x-forwarded-host') && facts.host !== undefined) headers.set('x-forwarded-host', [facts.host]);
  if (enabled(insert, 'x-forwarded-elb-ip')) headers.set('x-forwarded-elb-ip', [facts.localAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')]);
}

/** Octavia's X-SSL-Client-* insert_headers (TLS listeners): each one asked for "true" is set from `values`. */
export function insertClientCertificateHeaders(headers: HeaderList, insert: Readonly<Record<string, string>>, values: () => Readonly<Record<string, string>>): void {
  const wanted = Object.entries(insert).filter(([key, value]) => key.toLowerCase().startsWith('x-ssl-') && String(value).toLowerCase() === 'true');
  if (wanted.length === 0) return;
  const available = values();
  for (const [key] of wanted) {
    const value = available[key.toLowerCase()];
    if (value !== undefined) headers.set(key.toLowerCase(), [value]);
  }
}

/** The header object Node's outgoing messages take. */
export function toOutgoing(headers: HeaderList): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of headers) out[name] = values.length === 1 ? (values[0] ?? '') : values;
  return out;
}

/** A member's response headers without hop-by-hop ones, for the client. */
export function responseHeaders(rawHeaders: readonly string[]): HeaderList {
  return endToEndHeaders(rawHeaders);
}

export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
