// The durable configuration store: one async interface, implemented by SQLite (embedded default)
// and PostgreSQL (several nodes sharing one configuration). Every implementation passes the one
// contract suite in test/contract/store.contract.ts.
//
// The store persists resources exactly as the model types them (Octavia field names). It knows
// no business rule but the unique indexes that back them, so that two concurrent transactions
// cannot both win a port or a member address:
//   listener:  (loadbalancer_id, transport, protocol_port)   -> index 'listener_port'
//   listener:  (bind address, transport, protocol_port)       -> index 'listener_bind'
//   member:    (pool_id, address, protocol_port)              -> index 'member_address'
// Derived relationship arrays (loadbalancer.listeners, pool.members, …) are not the store's
// business: the control layer fills them in when it renders a resource.

import type { AnyResource, ResourceByKind, ResourceKind } from '../model/types.js';
import type { NodeRegistry } from './node-registry.js';

export interface ListQuery {
  /** Equality on top-level scalar fields (strings, numbers, booleans). */
  filters?: Record<string, string | number | boolean | null>;
  /** At most this many, in creation order (created_at, then insertion order). */
  limit?: number;
  /** Start after the resource with this id (Octavia's `marker`); an unknown id is ElbowError INVALID_QUERY. */
  marker?: string;
}

/** Reads and writes inside one transaction. */
export interface StoreTx {
  get<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined>;
  list<K extends ResourceKind>(kind: K, query?: ListQuery): Promise<ResourceByKind[K][]>;
  /**
   * Throws UniqueViolation when a unique index is hit; the write is undone and the transaction
   * stays usable. A listener clashing on its own load balancer is reported as listener_port.
   */
  insert<K extends ResourceKind>(kind: K, resource: ResourceByKind[K]): Promise<void>;
  /** Replaces the stored resource with the same id (ElbowError NOT_FOUND if none). Throws UniqueViolation too. */
  update<K extends ResourceKind>(kind: K, resource: ResourceByKind[K]): Promise<void>;
  /** Removing a missing id is not a write. */
  remove(kind: ResourceKind, id: string): Promise<void>;
}

/** Every resource, read in one consistent view, with the revision it belongs to. */
export interface StoreContents {
  revision: number;
  resources: { [K in ResourceKind]: ResourceByKind[K][] };
}

/** One stored resource with its place in creation order (created_at, then seq). */
export interface StoreRow {
  readonly kind: ResourceKind;
  readonly seq: number;
  readonly resource: AnyResource;
}

/**
 * What changed after a revision, read in one consistent view: the current rows of the resources
 * written since, and those removed. `complete` means the log did not reach back that far (or no
 * revision was given): `rows` is then every resource, in creation order per kind.
 */
export interface StoreChanges {
  readonly revision: number;
  readonly complete: boolean;
  readonly rows: readonly StoreRow[];
  readonly removed: readonly { readonly kind: ResourceKind; readonly id: string }[];
}

/** How many revisions the change log keeps; a reader further behind reads everything. */
export const CHANGE_LOG_REVISIONS = 10_000;
/** The log is trimmed once every this many revisions. */
export const CHANGE_LOG_TRIM_EVERY = 500;

export interface Store {
  /** 'sqlite' or 'postgres'. */
  readonly kind: string;
  /**
   * Runs fn in one serializable transaction. When fn wrote anything, the revision is
   * incremented once and the commit is durable before the promise resolves.
   * If fn throws, nothing is written and the error is rethrown. Transactions run one at a time:
   * fn must not call store.transaction itself (it would wait for itself).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<{ value: T; revision: number }>;
  get<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined>;
  list<K extends ResourceKind>(kind: K, query?: ListQuery): Promise<ResourceByKind[K][]>;
  revision(): Promise<number>;
  /** Everything at one revision: what a snapshot is built from. */
  readAll(): Promise<StoreContents>;
  /**
   * The changes after revision `since` (from the change log every writing transaction records),
   * or everything when `since` is null or older than the log.
   */
  readChanges(since: number | null): Promise<StoreChanges>;
  /** Called with the new revision after any commit, also one made by another node sharing the store. */
  onChange(listener: (revision: number) => void): () => void;
  /** The elbow nodes sharing this store and their heartbeats (not configuration: no revision). */
  readonly nodes: NodeRegistry;
  close(): Promise<void>;
}

export type UniqueIndex = 'listener_port' | 'listener_bind' | 'member_address';

/** A write hit a unique index: the caller turns it into a 409 naming the existing resource. */
export class UniqueViolation extends Error {
  constructor(
    readonly index: UniqueIndex,
    message = `unique index ${index} violated`,
  ) {
    super(message);
    this.name = 'UniqueViolation';
  }
}
