// Keep-alive connections from one listener to its members, HTTP/1.1 without pipelining: a
// connection carries one request at a time, so connections in use = requests in flight.
//
// A member gets at most `limit` connections from a listener (per worker). A request beyond the
// limit waits in line (first come, first served) until a connection frees up, for at most its
// wait bound, then elbow answers 503: HAProxy's server `maxconn` with `timeout queue`, which
// defaults to `timeout connect` as the wait bound does here.
//
// Each connection is an undici Client of its own rather than one undici Pool per member, so that
// a request cancelled by its client ends exactly its own connection: undici's abort() leaves the
// Client to re-queue the aborted request and open a fresh connection for it, which then idles
// with no keep-alive timer (nodejs/undici#5845, #386). Destroying the Client instead closes the
// connection and opens nothing.
//
// A member reached with several client configurations (plain, or HTTPS with different SNI names)
// has one ConnectionSet per configuration, all counted against the member's one limit.

import { Client } from 'undici';

/** A request waiting in line for a connection. */
export interface ConnectionWaiter {
  /** A connection is free for this request (called after take() returned null). */
  granted(client: Client): void;
  /** The request waited its bound in line without getting a connection. */
  expired(): void;
}

interface LineEntry {
  readonly set: ConnectionSet;
  readonly timer: NodeJS.Timeout;
}

const noop = (): void => undefined;

/** The connection limit of one member address and the requests waiting for it. */
export class MemberConnectionLimit {
  /** Connections counted against the limit: in use or idle, over every set. */
  open = 0;
  readonly line = new Map<ConnectionWaiter, LineEntry>();
  readonly sets = new Set<ConnectionSet>();

  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.open >= this.limit && !this.hasIdle();
  }

  private hasIdle(): boolean {
    for (const set of this.sets) if (set.idleCount > 0) return true;
    return false;
  }

  /** Closes one idle connection of another set, so that `wanting` may open one in its place. */
  evictIdleFor(wanting: ConnectionSet): boolean {
    for (const set of this.sets) if (set !== wanting && set.dropIdle()) return true;
    return false;
  }

  /** The request that has waited longest, taken out of the line. */
  next(): [ConnectionWaiter, LineEntry] | undefined {
    if (this.line.size === 0) return undefined;
    const first = this.line.entries().next();
    if (first.done === true) return undefined;
    const [waiter, entry] = first.value;
    this.line.delete(waiter);
    clearTimeout(entry.timer);
    return [waiter, entry];
  }
}

/** The connections to one member with one client configuration (origin, connect timeout, TLS). */
export class ConnectionSet {
  /** Connected (or reconnectable) clients not in use; the most recently used is reused first. */
  private readonly idle: Client[] = [];
  private readonly clients = new Set<Client>();
  private retired = false;

  constructor(
    private readonly origin: string,
    private readonly options: Client.Options,
    private readonly limit: MemberConnectionLimit,
  ) {
    limit.sets.add(this);
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /**
   * A connection for one request, or null when the member is at its limit: the waiter is then in
   * line, and granted() or expired() follows unless cancel() comes first.
   */
  take(waiter: ConnectionWaiter, waitMs: number): Client | null {
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    const limit = this.limit;
    if (limit.open < limit.limit) {
      limit.open += 1;
      return this.create();
    }
    if (limit.evictIdleFor(this)) return this.create();
    const timer = setTimeout(() => {
      limit.line.delete(waiter);
      waiter.expired();
    }, waitMs);
    limit.line.set(waiter, { set: this, timer });
    return null;
  }

  /** A waiting request gave up (its client went away). */
  cancel(waiter: ConnectionWaiter): void {
    const entry = this.limit.line.get(waiter);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.limit.line.delete(waiter);
  }

  /**
   * The request on `client` is over. `reusable`: it ended cleanly and the client may carry the
   * next request (otherwise the client is destroyed, closing its connection).
   */
  release(client: Client, reusable: boolean): void {
    const keep = reusable && !client.destroyed;
    const next = this.limit.next();
    if (next !== undefined) {
      const [waiter, entry] = next;
      if (keep && entry.set === this) waiter.granted(client);
      else {
        this.destroy(client);
        waiter.granted(entry.set.create());
      }
      return;
    }
    if (keep && !this.retired) {
      this.idle.push(client);
      return;
    }
    this.destroy(client);
    this.limit.open -= 1;
  }

  /** Closes one idle connection; false when there is none. */
  dropIdle(): boolean {
    const client = this.idle.pop();
    if (client === undefined) return false;
    this.destroy(client);
    return true;
  }

  /** No new requests will come through this set: idle connections close now, busy ones when their request ends. */
  retire(): void {
    this.retired = true;
    for (const client of this.idle.splice(0)) {
      this.destroy(client);
      this.limit.open -= 1;
    }
    this.limit.sets.delete(this);
  }

  /** Closes every connection now, in use or not (the listener is closing). */
  destroyAll(): void {
    this.retire();
    for (const client of this.clients) client.destroy(null, noop);
  }

  private create(): Client {
    const client = new Client(this.origin, this.options);
    this.clients.add(client);
    // An idle connection the member (or the keep-alive timer) closed is forgotten, not kept as
    // a client that would reconnect: idle clients are connected ones.
    client.on('disconnect', () => this.forgetIdle(client));
    return client;
  }

  private forgetIdle(client: Client): void {
    const at = this.idle.indexOf(client);
    if (at === -1) return;
    this.idle.splice(at, 1);
    this.destroy(client);
    this.limit.open -= 1;
  }

  private destroy(client: Client): void {
    this.clients.delete(client);
    if (!client.destroyed) client.destroy(null, noop);
  }
}
