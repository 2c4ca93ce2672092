// Keep-alive connection pools to members: one undici Pool per member address (HTTP/1.1,
// pipelining 1, as many connections as requests in flight), so requests reuse member connections
// instead of paying a connect each time. HTTPS pools (re-encryption) get one Pool per member and
// SNI name, with the pool's CA and client certificate.
//
// Upstream client choice, measured 2026-11-29 on the 2-CPU build machine (wrk -t2 -c50, nginx
// member, a Node proxy on one core): node:http ClientRequest + keep-alive Agent 13-15k req/s;
// undici Pool.dispatch() with a handler 25.5-26.9k req/s (/tmp/exp experiments, see the commit).

import { Pool } from 'undici';
import type { SnapshotMember } from '../../snapshot/snapshot.js';
import { upstreamTlsOptions, type PoolTls } from '../tls/upstream-tls.js';

interface PlainEntry {
  readonly pool: Pool;
  readonly connectTimeout: number;
}

interface TlsEntry {
  readonly pool: Pool;
  readonly tls: PoolTls;
}

export class UpstreamPools {
  /** Plain HTTP pools by member configuration object: the per-request lookup is by identity. */
  private readonly plainByMember = new Map<SnapshotMember, PlainEntry>();
  /** Every pool by address (and timeout, SNI name): found again when member objects are replaced. */
  private readonly plain = new Map<string, PlainEntry>();
  private readonly secure = new Map<string, TlsEntry>();

  /** The pool for plain HTTP to a member. */
  plainPool(member: SnapshotMember, connectTimeout: number): Pool {
    const known = this.plainByMember.get(member);
    if (known !== undefined && known.connectTimeout === connectTimeout) return known.pool;
    const key = `${member.address}|${member.port}|${connectTimeout}`;
    let entry = this.plain.get(key);
    if (entry === undefined) {
      entry = { pool: new Pool(origin('http', member), poolOptions(connectTimeout)), connectTimeout };
      this.plain.set(key, entry);
    }
    this.plainByMember.set(member, entry);
    return entry.pool;
  }

  /** The pool for HTTPS to a member, for a request asking for `host` (the SNI name, when enabled). */
  tlsPool(member: SnapshotMember, tls: PoolTls, host: string, connectTimeout: number): Pool {
    const connect = upstreamTlsOptions(tls, host);
    const key = `${member.address}|${member.port}|${connectTimeout}|${connect.servername ?? ''}`;
    const entry = this.secure.get(key);
    if (entry !== undefined && sameTls(entry.tls, tls)) return entry.pool;
    if (entry !== undefined) retire(entry.pool);
    // servername '' (no SNI) keeps undici from deriving one from the member address.
    const pool = new Pool(origin('https', member), { ...poolOptions(connectTimeout), connect: { ...connect, servername: connect.servername ?? '' } });
    this.secure.set(key, { pool, tls });
    return pool;
  }

  /**
   * Forgets the pools of members no longer configured: their idle connections close now, their
   * in-flight requests finish.
   */
  retain(members: Iterable<SnapshotMember>): void {
    const wanted = new Set<string>();
    for (const member of members) wanted.add(`${member.address}|${member.port}`);
    this.plainByMember.clear();
    for (const table of [this.plain, this.secure] as Map<string, { pool: Pool }>[]) {
      for (const [key, entry] of table) {
        if (wanted.has(addressOf(key))) continue;
        table.delete(key);
        retire(entry.pool);
      }
    }
  }

  /** Closes every member connection (the listener is closing). */
  destroy(): void {
    for (const table of [this.plain, this.secure] as Map<string, { pool: Pool }>[]) {
      for (const entry of table.values()) entry.pool.destroy().catch(() => undefined);
      table.clear();
    }
    this.plainByMember.clear();
  }
}

function poolOptions(connectTimeout: number): Pool.Options {
  // Unbounded connections, like a keep-alive Agent: a request never waits for another's connection.
  // headersTimeout/bodyTimeout come with each request (timeout_member_data).
  return { connections: null, pipelining: 1, connectTimeout };
}

function origin(scheme: 'http' | 'https', member: SnapshotMember): string {
  const host = member.address.includes(':') ? `[${member.address}]` : member.address;
  return `${scheme}://${host}:${member.port}`;
}

/** "address|port" of a pool key. */
function addressOf(key: string): string {
  const [address, port] = key.split('|');
  return `${address ?? ''}|${port ?? ''}`;
}

function sameTls(a: PoolTls, b: PoolTls): boolean {
  return a.caPem === b.caPem && a.sni === b.sni
    && a.clientCertificate?.certificatePem === b.clientCertificate?.certificatePem
    && a.clientCertificate?.privateKeyPem === b.clientCertificate?.privateKeyPem;
}

/** Closes a pool once its in-flight requests are done; idle connections close now. */
function retire(pool: Pool): void {
  pool.close().catch(() => undefined);
}
