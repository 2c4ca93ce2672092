// Cookie session persistence of an HTTP pool (SOURCE_IP persistence is the pool's own pick()).
// HTTP_COOKIE: elbow inserts its own cookie naming the member and routes by it (HAProxy's
// `cookie SRV insert indirect nocache`, as Octavia renders it; the cookie is not passed on).
// APP_COOKIE: elbow learns the value of the application's cookie `cookie_name` from responses
// and routes requests carrying that value to the member that set it (Octavia's stick table).

import type { SnapshotPool } from '../../snapshot/snapshot.js';
import { parseCookies } from '../routing/request-facts.js';
import type { HeaderList } from './forwarded-headers.js';
import { registerStickyTable, stickyBound, type StickyTable } from '../sessions/sticky-sync.js';

/** The cookie elbow inserts for HTTP_COOKIE persistence (Octavia's name). */
export const INSERTED_COOKIE = 'SRV';

/** Entries in an APP_COOKIE table per pool (Octavia's stick-table size 10k). */
export const APP_COOKIE_TABLE_SIZE = 10_000;

/** Application cookie value → member id, least recently used evicted first. */
export class AppCookieTable implements StickyTable {
  private readonly entries = new Map<string, string>();
  constructor(
    private readonly maxEntries = APP_COOKIE_TABLE_SIZE,
    /** Sticky-sync id, so that other data plane workers learn the values too; undefined: not shared. */
    private readonly syncId?: string,
  ) {
    if (syncId !== undefined) registerStickyTable(syncId, this);
  }

  lookup(value: string): string | undefined {
    const memberId = this.entries.get(value);
    if (memberId !== undefined) {
      this.entries.delete(value);
      this.entries.set(value, memberId);
    }
    return memberId;
  }

  remember(value: string, memberId: string): void {
    if (this.syncId !== undefined && this.entries.get(value) !== memberId) stickyBound(this.syncId, value, memberId);
    this.learn(value, memberId);
  }

  learn(value: string, memberId: string): void {
    this.entries.delete(value);
    this.entries.set(value, memberId);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

type Persistence = SnapshotPool['sessionPersistence'];

/** The member id a request's cookies bind it to, if any. */
export function cookieBoundMember(persistence: Persistence, cookie: (name: string) => string | undefined, table: AppCookieTable | undefined): string | undefined {
  if (persistence?.type === 'HTTP_COOKIE') return cookie(INSERTED_COOKIE);
  if (persistence?.type === 'APP_COOKIE' && persistence.cookieName !== null && table !== undefined) {
    const value = cookie(persistence.cookieName);
    return value === undefined ? undefined : table.lookup(value);
  }
  return undefined;
}

/** HTTP_COOKIE: elbow's cookie is for elbow, not for the member ("indirect"). */
export function stripInsertedCookie(persistence: Persistence, headers: HeaderList): void {
  if (persistence?.type !== 'HTTP_COOKIE') return;
  const cookies = headers.get('cookie');
  if (!cookies) return;
  const kept = cookies.join('; ').split(';').map((c) => c.trim()).filter((c) => c !== '' && !c.startsWith(`${INSERTED_COOKIE}=`));
  if (kept.length === 0) headers.delete('cookie');
  else headers.set('cookie', [kept.join('; ')]);
}

/** Response side: insert elbow's cookie, or learn the application's. */
export function persistFromResponse(persistence: Persistence, memberId: string, boundMemberId: string | undefined, headers: HeaderList, table: AppCookieTable | undefined): void {
  if (persistence?.type === 'HTTP_COOKIE' && boundMemberId !== memberId) {
    const setCookie = headers.get('set-cookie') ?? [];
    setCookie.push(`${INSERTED_COOKIE}=${memberId}; Path=/`);
    headers.set('set-cookie', setCookie);
    // "nocache": a shared cache must not hand this member's cookie to other clients.
    if (!headers.has('cache-control')) headers.set('cache-control', ['private']);
    return;
  }
  if (persistence?.type === 'APP_COOKIE' && persistence.cookieName !== null && table !== undefined) {
    for (const line of headers.get('set-cookie') ?? []) {
      const value = parseCookies(line.split(';')[0]).get(persistence.cookieName);
      if (value !== undefined) table.remember(value, memberId);
    }
  }
}
