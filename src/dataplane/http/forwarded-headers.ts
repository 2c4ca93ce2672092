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

/** The usual Connection values, which name no other header. */
function namesNoHeader(connection: string | readonly string[]): boolean {
  if (typeof connection !== 'string') return false;
  const value = connection.length <= 10 ? connection.toLowerCase() : '';
  return value === 'keep-alive' || value === 'close';
}

/** The header names the Connection headers of raw headers list (hop-by-hop too); null when there are none. */
function namedByConnection(rawHeaders: readonly string[]): Set<string> | null {
  const connection: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    if (name.length === 10 && name.toLowerCase() === 'connection') connection.push(rawHeaders[i + 1] ?? '');
  }
  return connection.length === 0 ? null : connectionTokens(connection);
}

/**
 * Copies raw headers (name, value, name, value…) without hop-by-hop ones. HTTP/2 pseudo-headers
 * are dropped too; `keepUpgrade` keeps Connection/Upgrade for an upgrade request.
 */
export function endToEndHeaders(rawHeaders: readonly string[], keepUpgrade = false): HeaderList {
  const named = namedByConnection(rawHeaders);
  const headers: HeaderList = new Map();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (name.startsWith(':')) continue;
    const upgradeHeader = keepUpgrade && (name === 'connection' || name === 'upgrade');
    if (!upgradeHeader && (HOP_BY_HOP.has(name) || name.startsWith('proxy-') || named?.has(name) === true)) continue;
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

/** The insert_headers a listener asked for ("true"), compiled once per configuration. */
export interface InsertedHeaders {
  /** Any X-Forwarded-* / X-Real-IP header is asked for (else the socket's addresses are not read). */
  readonly forwarding: boolean;
  readonly forwardedFor: boolean;
  readonly forwardedPort: boolean;
  readonly forwardedProto: boolean;
  readonly realIp: boolean;
  readonly forwardedHost: boolean;
  readonly forwardedElbIp: boolean;
  /** X-SSL-Client-* names asked for (lower case). */
  readonly clientCertificate: readonly string[];
}

export function compileInsertHeaders(insert: Readonly<Record<string, string>>): InsertedHeaders {
  const wanted = new Set(Object.entries(insert).filter(([, value]) => String(value).toLowerCase() === 'true').map(([key]) => key.toLowerCase()));
  const forwarding = ['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-elb-ip'].some((name) => wanted.has(name));
  return {
    forwarding,
    forwardedFor: wanted.has('x-forwarded-for'),
    forwardedPort: wanted.has('x-forwarded-port'),
    forwardedProto: wanted.has('x-forwarded-proto'),
    realIp: wanted.has('x-real-ip'),
    forwardedHost: wanted.has('x-forwarded-host'),
    forwardedElbIp: wanted.has('x-forwarded-elb-ip'),
    clientCertificate: [...wanted].filter((name) => name.startsWith('x-ssl-')),
  };
}

const IPV4_MAPPED = /^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i;

/** An IPv4 client on a dual-stack socket as plain IPv4. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') || address.startsWith('::FFFF:') ? address.replace(IPV4_MAPPED, '') : address;
}

/** Applies insert_headers: X-Forwarded-For appended; the others set to elbow's values. */
export function insertForwardedHeaders(headers: HeaderList, insert: InsertedHeaders, facts: ForwardingFacts): void {
  if (insert.forwardedFor) {
    const client = plainAddress(facts.clientAddress);
    const previous = headers.get('x-forwarded-for')?.join(', ');
    headers.set('x-forwarded-for', [previous ? `${previous}, ${client}` : client]);
  }
  if (insert.forwardedPort) headers.set('x-forwarded-port', [String(facts.localPort)]);
  if (insert.forwardedProto) headers.set('x-forwarded-proto', [facts.scheme]);
  if (insert.realIp) headers.set('x-real-ip', [plainAddress(facts.clientAddress)]);
  if (insert.forwardedHost && facts.host !== undefined) headers.set('x-forwarded-host', [facts.host]);
  if (insert.forwardedElbIp) headers.set('x-forwarded-elb-ip', [plainAddress(facts.localAddress)]);
}

/** Octavia's X-SSL-Client-* insert_headers (TLS listeners): each one asked for is set from `values`. */
export function insertClientCertificateHeaders(headers: HeaderList, insert: InsertedHeaders, values: () => Readonly<Record<string, string>>): void {
  if (insert.clientCertificate.length === 0) return;
  const available = values();
  for (const name of insert.clientCertificate) {
    const value = available[name];
    if (value !== undefined) headers.set(name, [value]);
  }
}

/** The header object Node's outgoing messages take. */
export function toOutgoing(headers: HeaderList): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of headers) out[name] = values.length === 1 ? (values[0] ?? '') : values;
  return out;
}

/** The flat [name, value, name, value…] list undici's dispatch() and Node's writeHead() take. */
export function toFlat(headers: HeaderList): string[] {
  const out: string[] = [];
  for (const [name, values] of headers) for (const value of values) out.push(name, value);
  return out;
}

/** The header names a member's raw Connection headers list; null when they name none (keep-alive, close). */
function namedByRawConnection(raw: readonly Buffer[]): Set<string> | null {
  let connection: string[] | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name !== undefined && name.length === 10 && name.toString('latin1').toLowerCase() === 'connection') (connection ??= []).push(raw[i + 1]?.toString('latin1') ?? '');
  }
  return connection === null || (connection.length === 1 && namesNoHeader(connection[0] ?? '')) ? null : connectionTokens(connection);
}

/**
 * A member's response headers for the client, without hop-by-hop ones, as a flat list: from the
 * raw [name, value, …] buffers undici hands over (names keep the member's case; values are
 * latin1, so every byte the member sent reaches the client unchanged).
 */
export function clientResponseHeaders(raw: readonly Buffer[]): string[] {
  const named = namedByRawConnection(raw);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]?.toString('latin1') ?? '';
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-') || named?.has(lower) === true) continue;
    out.push(name, raw[i + 1]?.toString('latin1') ?? '');
  }
  return out;
}

/** A member's response headers for the client as a HeaderList (when session persistence edits them). */
export function clientResponseHeaderList(raw: readonly Buffer[]): HeaderList {
  const flat = clientResponseHeaders(raw);
  const headers: HeaderList = new Map();
  for (let i = 0; i < flat.length; i += 2) {
    const name = (flat[i] ?? '').toLowerCase();
    const value = flat[i + 1] ?? '';
    const list = headers.get(name);
    if (list) list.push(value);
    else headers.set(name, [value]);
  }
  return headers;
}

export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
