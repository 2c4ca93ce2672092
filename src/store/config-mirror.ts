// An in-memory copy of the whole configuration that follows the store revision by revision at
// the cost of what changed: each sync() reads the store's change log since the mirrored revision
// (Store.readChanges) and applies only those rows, or everything when the log does not reach back.
// The control plane renders from it and the snapshot builder builds from it, so one API change
// costs a few rows read, not the whole store read, parsed and indexed again.
//
// Reads see the revision of the last sync(); call sync() first for the store's latest. Resources
// handed out are shared: callers must not modify them.

import { ElbowError } from '../errors.js';
import { RESOURCE_KINDS } from '../model/types.js';
import type { AnyResource, ResourceByKind, ResourceKind } from '../model/types.js';
import type { Store, StoreChanges, StoreContents, StoreRow } from './store.js';

interface Entry {
  readonly resource: AnyResource;
  readonly createdAt: string;
  readonly seq: number;
}

function before(a: Entry, b: Entry): boolean {
  return a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.seq < b.seq);
}

/** The resources of one kind by id, iterable in creation order (created_at, then seq) as the store lists them. */
class KindTable {
  private entries = new Map<string, Entry>();
  private last: Entry | undefined;
  private ordered = true;
  private listed: AnyResource[] | undefined;

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  set(entry: Entry): void {
    const id = entry.resource.id;
    if (!this.entries.has(id)) {
      // New rows nearly always come last; one that does not (another node's clock) re-sorts once.
      if (this.last !== undefined && before(entry, this.last)) this.ordered = false;
      else this.last = entry;
    }
    this.entries.set(id, entry);
    this.listed = undefined;
  }

  delete(id: string): void {
    if (this.entries.delete(id)) this.listed = undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every resource in creation order; the array is shared until the next change. */
  list(): AnyResource[] {
    if (!this.ordered) {
      this.entries = new Map([...this.entries].sort(([, a], [, b]) => (before(a, b) ? -1 : before(b, a) ? 1 : 0)));
      this.last = [...this.entries.values()].at(-1);
      this.ordered = true;
    }
    this.listed ??= [...this.entries.values()].map((entry) => entry.resource);
    return this.listed;
  }

  compare(a: string, b: string): number {
    const ea = this.entries.get(a);
    const eb = this.entries.get(b);
    if (ea === undefined || eb === undefined) return 0;
    return before(ea, eb) ? -1 : before(eb, ea) ? 1 : 0;
  }
}

type KeyOf<K extends ResourceKind> = (resource: ResourceByKind[K]) => string | null | undefined;

/** The references between resources that rendering and snapshot building follow, by referenced id. */
const INDEXES = {
  listenersByLb: ['listener', (l) => l.loadbalancer_id] as const satisfies readonly [ResourceKind, KeyOf<'listener'>],
  listenersByDefaultPool: ['listener', (l) => l.default_pool_id] as const satisfies readonly [ResourceKind, KeyOf<'listener'>],
  listenersByIpGroup: ['listener', (l) => l.ipgroup?.ipgroup_id] as const satisfies readonly [ResourceKind, KeyOf<'listener'>],
  poolsByLb: ['pool', (p) => p.loadbalancer_id] as const satisfies readonly [ResourceKind, KeyOf<'pool'>],
  membersByPool: ['member', (m) => m.pool_id] as const satisfies readonly [ResourceKind, KeyOf<'member'>],
  monitorsByPool: ['healthmonitor', (hm) => hm.pool_id] as const satisfies readonly [ResourceKind, KeyOf<'healthmonitor'>],
  policiesByListener: ['l7policy', (p) => p.listener_id] as const satisfies readonly [ResourceKind, KeyOf<'l7policy'>],
  policiesByRedirectPool: ['l7policy', (p) => p.redirect_pool_id] as const satisfies readonly [ResourceKind, KeyOf<'l7policy'>],
  policiesByRedirectListener: ['l7policy', (p) => p.redirect_listener_id] as const satisfies readonly [ResourceKind, KeyOf<'l7policy'>],
  rulesByPolicy: ['l7rule', (r) => r.l7policy_id] as const satisfies readonly [ResourceKind, KeyOf<'l7rule'>],
};

export type IndexName = keyof typeof INDEXES;
type IndexedKind<I extends IndexName> = (typeof INDEXES)[I][0];

const INDEXES_OF_KIND = new Map<ResourceKind, IndexName[]>();
for (const [name, [kind]] of Object.entries(INDEXES) as [IndexName, (typeof INDEXES)[IndexName]][]) {
  INDEXES_OF_KIND.set(kind, [...(INDEXES_OF_KIND.get(kind) ?? []), name]);
}

function keyOf(index: IndexName, resource: AnyResource): string | null {
  const key = (INDEXES[index][1] as (r: AnyResource) => string | null | undefined)(resource);
  return typeof key === 'string' ? key : null;
}

/** One resource a sync changed: absent before when created, absent after when removed. */
export interface MirroredChange {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly before: AnyResource | undefined;
  readonly after: AnyResource | undefined;
}

/** What one sync applied. `complete`: everything was read again (changes are not listed then). */
export interface ChangeBatch {
  readonly revision: number;
  readonly complete: boolean;
  readonly changes: readonly MirroredChange[];
}

/** Read access to one revision of the configuration, indexed. */
export interface ConfigView {
  readonly revision: number;
  get<K extends ResourceKind>(kind: K, id: string): ResourceByKind[K] | undefined;
  /** Every resource of a kind, in creation order. */
  list<K extends ResourceKind>(kind: K): readonly ResourceByKind[K][];
  /** The resources referring to `key` through an index, in creation order. */
  children<I extends IndexName>(index: I, key: string): ResourceByKind[IndexedKind<I>][];
  /** Any resource by id, whatever its kind. */
  byId(id: string): { kind: ResourceKind; resource: AnyResource } | undefined;
}

function emptyTables(): Record<ResourceKind, KindTable> {
  return Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, new KindTable()])) as Record<ResourceKind, KindTable>;
}

function emptyIndexes(): Map<IndexName, Map<string, Set<string>>> {
  return new Map((Object.keys(INDEXES) as IndexName[]).map((name) => [name, new Map()]));
}

export class ConfigMirror implements ConfigView {
  #revision: number | null = null;
  private tables = emptyTables();
  private indexes = emptyIndexes();
  private kindOfId = new Map<string, ResourceKind>();
  private readonly listeners = new Set<(batch: ChangeBatch) => void>();
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly store: Pick<Store, 'readChanges'>) {}

  /** The mirrored revision; -1 before the first sync. */
  get revision(): number {
    return this.#revision ?? -1;
  }

  /**
   * Brings the mirror up to the store's revision as of this call: a sync already reading may have
   * started before a commit the caller just made, so a second one follows it. A failed read
   * leaves the mirror as it was (the next sync tries again) and rejects.
   */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    this.queued = this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  /**
   * sync() for a read: when the store cannot be reached (STORE_UNAVAILABLE) and the mirror has
   * synced before, it keeps what it has, so that reads during a store outage answer from the
   * configuration this node serves instead of failing.
   */
  async refresh(): Promise<void> {
    try {
      await this.sync();
    } catch (error) {
      if (this.#revision === null || !(error instanceof ElbowError && error.code === 'STORE_UNAVAILABLE')) throw error;
    }
  }

  /** Called after every sync that changed something, with what it changed. */
  onChanges(listener: (batch: ChangeBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get<K extends ResourceKind>(kind: K, id: string): ResourceByKind[K] | undefined {
    return this.tables[kind].get(id)?.resource as ResourceByKind[K] | undefined;
  }

  list<K extends ResourceKind>(kind: K): readonly ResourceByKind[K][] {
    return this.tables[kind].list() as ResourceByKind[K][];
  }

  children<I extends IndexName>(index: I, key: string): ResourceByKind[IndexedKind<I>][] {
    const ids = this.indexes.get(index)?.get(key);
    if (ids === undefined) return [];
    const table = this.tables[INDEXES[index][0]];
    const found = [...ids].sort((a, b) => table.compare(a, b));
    return found.map((id) => table.get(id)?.resource).filter((r) => r !== undefined) as ResourceByKind[IndexedKind<I>][];
  }

  byId(id: string): { kind: ResourceKind; resource: AnyResource } | undefined {
    const kind = this.kindOfId.get(id);
    const resource = kind === undefined ? undefined : this.tables[kind].get(id)?.resource;
    return kind === undefined || resource === undefined ? undefined : { kind, resource };
  }

  /** The mirrored configuration as Store.readAll() gives it. */
  contents(): StoreContents {
    const resources = Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, this.tables[kind].list()]));
    return { revision: this.revision, resources: resources as StoreContents['resources'] };
  }

  private start(): Promise<void> {
    const pulling = this.pull().finally(() => {
      if (this.running === pulling) this.running = undefined;
    });
    this.running = pulling;
    return pulling;
  }

  private async pull(): Promise<void> {
    const changes = await this.store.readChanges(this.#revision);
    if (this.#revision !== null && changes.revision <= this.#revision && !changes.complete) return;
    let batch: ChangeBatch;
    try {
      batch = changes.complete ? this.replaceAll(changes) : this.applyChanges(changes);
    } catch (error) {
      // Half-applied: read everything next time rather than trust it.
      this.#revision = null;
      throw error;
    }
    this.#revision = changes.revision;
    for (const listener of [...this.listeners]) listener(batch);
  }

  private replaceAll(changes: StoreChanges): ChangeBatch {
    this.tables = emptyTables();
    this.indexes = emptyIndexes();
    this.kindOfId = new Map();
    for (const row of changes.rows) this.put(row);
    return { revision: changes.revision, complete: true, changes: [] };
  }

  private applyChanges(changes: StoreChanges): ChangeBatch {
    const applied: MirroredChange[] = [];
    // Rows come in no particular order: new ones are added in creation order.
    const rows = [...changes.rows].sort((a, b) => {
      const ea = { createdAt: a.resource.created_at, seq: a.seq } as Entry;
      const eb = { createdAt: b.resource.created_at, seq: b.seq } as Entry;
      return before(ea, eb) ? -1 : before(eb, ea) ? 1 : 0;
    });
    for (const { kind, id } of changes.removed) {
      const previous = this.remove(kind, id);
      if (previous !== undefined) applied.push({ kind, id, before: previous, after: undefined });
    }
    for (const row of rows) applied.push({ kind: row.kind, id: row.resource.id, before: this.put(row), after: row.resource });
    return { revision: changes.revision, complete: false, changes: applied };
  }

  /** Inserts or replaces a row; returns what it replaced. */
  private put(row: StoreRow): AnyResource | undefined {
    const table = this.tables[row.kind];
    const previous = table.get(row.resource.id)?.resource;
    if (previous !== undefined) this.unindex(row.kind, previous);
    table.set({ resource: row.resource, createdAt: row.resource.created_at, seq: row.seq });
    this.kindOfId.set(row.resource.id, row.kind);
    this.index(row.kind, row.resource);
    return previous;
  }

  private remove(kind: ResourceKind, id: string): AnyResource | undefined {
    const table = this.tables[kind];
    const previous = table.get(id)?.resource;
    if (previous === undefined) return undefined;
    this.unindex(kind, previous);
    table.delete(id);
    if (this.kindOfId.get(id) === kind) this.kindOfId.delete(id);
    return previous;
  }

  /** emptyIndexes() made one per name. */
  private indexNamed(name: IndexName): Map<string, Set<string>> {
    const index = this.indexes.get(name);
    if (index === undefined) throw new Error(`no index ${name}`);
    return index;
  }

  private index(kind: ResourceKind, resource: AnyResource): void {
    for (const name of INDEXES_OF_KIND.get(kind) ?? []) {
      const key = keyOf(name, resource);
      if (key === null) continue;
      const index = this.indexNamed(name);
      let ids = index.get(key);
      if (ids === undefined) index.set(key, (ids = new Set()));
      ids.add(resource.id);
    }
  }

  private unindex(kind: ResourceKind, resource: AnyResource): void {
    for (const name of INDEXES_OF_KIND.get(kind) ?? []) {
      const key = keyOf(name, resource);
      if (key === null) continue;
      const index = this.indexNamed(name);
      const ids = index.get(key);
      ids?.delete(resource.id);
      if (ids?.size === 0) index.delete(key);
    }
  }
}
