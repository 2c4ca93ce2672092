// Keep-alive connections to members (member-connections.ts), found per request: one connection
// set per member address and connect timeout for plain HTTP; for HTTPS pools (re-encryption) one
// per member, SNI name and TLS settings, with the pool's CA and client certificate. Every set of
// one member address counts against that member's one connection limit.
//
// The client is undici's dispatch() with a handler, one undici Client per connection
// (member-connections.ts says why): node:http's ClientRequest and Agent did about half the
// requests/s (docs/benchmark.md, "History").

import type { Client } from 'undici';
import { MEMBER_CONNECTION_LIMIT } from '../../model/data-plane-limits.js';
import type { SnapshotMember } from '../../snapshot/snapshot.js';
import { upstreamTlsOptions, type PoolTls } from '../tls/upstream-tls.js';
import { ConnectionSet, MemberConnectionLimit } from './member-connections.js';

/**
 * Connections one listener opens to one member at most, per worker, unless the listener's
 * factory says otherwise. Bounds what a flood of HTTP/2 streams can make a worker open (file
 * descriptors) while far above what a member serves at once in normal use.
 */
export const DEFAULT_MEMBER_CONNECTION_LIMIT = MEMBER_CONNECTION_LIMIT;

interface PlainEntry {
  readonly set: ConnectionSet;
  readonly connectTimeout: number;
}

interface TlsEntry {
  readonly set: ConnectionSet;
  readonly tls: PoolTls;
}

export class UpstreamPools {
  /** Plain HTTP sets by member configuration object: the per-request lookup is by identity. */
  private readonly plainByMember = new Map<SnapshotMember, PlainEntry>();
  /** Every set by address (and timeout, SNI name): found again when member objects are replaced. */
  private readonly plain = new Map<string, PlainEntry>();
  private readonly secure = new Map<string, TlsEntry>();
  /** Connection limits by "address|port". */
  private readonly limits = new Map<string, MemberConnectionLimit>();

  constructor(private readonly connectionLimit = DEFAULT_MEMBER_CONNECTION_LIMIT) {}

  /** The connections for plain HTTP to a member. */
  plainConnections(member: SnapshotMember, connectTimeout: number): ConnectionSet {
    const known = this.plainByMember.get(member);
    if (known !== undefined && known.connectTimeout === connectTimeout) return known.set;
    const key = `${member.address}|${member.port}|${connectTimeout}`;
    let entry = this.plain.get(key);
    if (entry === undefined) {
      entry = { set: new ConnectionSet(origin('http', member), clientOptions(connectTimeout), this.limitOf(member)), connectTimeout };
      this.plain.set(key, entry);
    }
    this.plainByMember.set(member, entry);
    return entry.set;
  }

  /** The connections for HTTPS to a member, for a request asking for `host` (the SNI name, when enabled). */
  tlsConnections(member: SnapshotMember, tls: PoolTls, host: string, connectTimeout: number): ConnectionSet {
    const connect = upstreamTlsOptions(tls, host);
    const key = `${member.address}|${member.port}|${connectTimeout}|${connect.servername ?? ''}`;
    const entry = this.secure.get(key);
    if (entry !== undefined && sameTls(entry.tls, tls)) return entry.set;
    if (entry !== undefined) entry.set.retire();
    // servername '' (no SNI) keeps undici from deriving one from the member address.
    const options: Client.Options = { ...clientOptions(connectTimeout), connect: { ...connect, servername: connect.servername ?? '' } };
    const set = new ConnectionSet(origin('https', member), options, this.limitOf(member));
    this.secure.set(key, { set, tls });
    return set;
  }

  /** The member has no connection to spare: every one is in use and requests may be waiting. */
  isFull(member: SnapshotMember): boolean {
    return this.limits.get(`${member.address}|${member.port}`)?.full ?? false;
  }

  /**
   * Forgets the connections of members no longer configured: idle ones close now, those in use
   * when their request ends.
   */
  retain(members: Iterable<SnapshotMember>): void {
    const wanted = new Set<string>();
    for (const member of members) wanted.add(`${member.address}|${member.port}`);
    this.plainByMember.clear();
    for (const table of [this.plain, this.secure] as Map<string, { set: ConnectionSet }>[]) {
      for (const [key, entry] of table) {
        if (wanted.has(addressOf(key))) continue;
        table.delete(key);
        entry.set.retire();
      }
    }
    for (const key of this.limits.keys()) if (!wanted.has(key)) this.limits.delete(key);
  }

  /** Closes every member connection; requests waiting for one get their answer now (the listener is closing). */
  destroy(): void {
    for (const limit of this.limits.values()) {
      for (let next = limit.next(); next !== undefined; next = limit.next()) next[0].expired();
    }
    for (const table of [this.plain, this.secure] as Map<string, { set: ConnectionSet }>[]) {
      for (const entry of table.values()) entry.set.destroyAll();
      table.clear();
    }
    this.plainByMember.clear();
    this.limits.clear();
  }

  private limitOf(member: SnapshotMember): MemberConnectionLimit {
    const key = `${member.address}|${member.port}`;
    let limit = this.limits.get(key);
    if (limit === undefined) {
      limit = new MemberConnectionLimit(this.connectionLimit);
      this.limits.set(key, limit);
    }
    return limit;
  }
}

function clientOptions(connectTimeout: number): Client.Options {
  // headersTimeout/bodyTimeout come with each request (timeout_member_data).
  return { pipelining: 1, connectTimeout };
}

function origin(scheme: 'http' | 'https', member: SnapshotMember): string {
  const host = member.address.includes(':') ? `[${member.address}]` : member.address;
  return `${scheme}://${host}:${member.port}`;
}

/** "address|port" of a set key. */
function addressOf(key: string): string {
  const [address, port] = key.split('|');
  return `${address ?? ''}|${port ?? ''}`;
}

function sameTls(a: PoolTls, b: PoolTls): boolean {
  return a.caPem === b.caPem && a.sni === b.sni && a.ciphers === b.ciphers
    && sameList(a.crls, b.crls) && sameList(a.versions ?? [], b.versions ?? []) && sameList(a.alpnProtocols, b.alpnProtocols)
    && a.clientCertificate?.certificatePem === b.clientCertificate?.certificatePem
    && a.clientCertificate?.privateKeyPem === b.clientCertificate?.privateKeyPem;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
