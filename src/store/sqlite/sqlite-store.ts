// The embedded store: one SQLite file in WAL mode, synchronous=FULL so that an acknowledged
// commit survives kill -9 and power loss.
//
// Connections: writes go through one connection, serialized by a SerialQueue, because fn is
// async while better-sqlite3 is synchronous: BEGIN IMMEDIATE … await fn(tx) … COMMIT would
// otherwise interleave two transactions on one connection. Reads outside a transaction use a
// second, read-only connection: WAL gives it the last committed state, never the uncommitted
// writes of a transaction that is awaiting inside fn, and reads never wait for writers.
// ':memory:' has no file to share, so there reads take the queue and use the one connection.
// The transaction itself is store/transaction.ts's, with SQLite's steps.

import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Listener, ResourceByKind, ResourceKind } from '../../model/types.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { ChangeNotifier } from '../change-notifier.js';
import { UNIQUE_INDEX_COLUMNS } from '../indexed-columns.js';
import type { ListQuery, Store, StoreChanges, StoreContents, StoreTx, UniqueIndex } from '../store.js';
import { RecordingTx, runTransaction, type TransactionSteps } from '../transaction.js';
import { migrate } from './migrations.js';
import { SqliteNodeRegistry } from './sqlite-nodes.js';
import { SqliteStatements } from './sqlite-statements.js';

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. Its directory is created (0700) when missing. */
  path: string;
}

const BUSY_TIMEOUT_MS = 5000;

export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const inMemory = options.path === ':memory:';
  if (!inMemory) createPrivateFile(options.path);
  const db = new Database(options.path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const reader = inMemory ? undefined : new Database(options.path, { readonly: true });
  reader?.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return new SqliteStore(db, reader);
}

/**
 * The file holds private keys: create it 0600 (and its directory 0700) before SQLite opens it.
 * SQLite gives the -wal and -shm files it creates the permissions of the database file.
 */
function createPrivateFile(path: string): void {
  const createdDir = mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (createdDir !== undefined) chmodSync(dirname(path), 0o700);
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly mutex = new SerialQueue();
  private readonly writes: SqliteStatements;
  private readonly reads: SqliteStatements;
  private readonly notifier: ChangeNotifier;
  readonly nodes: SqliteNodeRegistry;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly reader: Database.Database | undefined,
  ) {
    this.writes = new SqliteStatements(db);
    this.reads = reader === undefined ? this.writes : new SqliteStatements(reader);
    this.notifier = new ChangeNotifier(this.writes.revision());
    this.nodes = new SqliteNodeRegistry(db, reader, this.mutex, () => this.assertOpen());
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<{ value: T; revision: number }> {
    return this.mutex.run(() => {
      this.assertOpen();
      const writes = this.writes;
      const steps: TransactionSteps = {
        begin: async () => {
          this.db.exec('BEGIN IMMEDIATE');
          return writes.revision();
        },
        bumpRevision: async () => writes.bumpRevision(),
        logChanges: async (revision, changes) => writes.logChanges(revision, changes),
        commit: async () => {
          this.db.exec('COMMIT');
        },
        rollback: async () => {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
        },
      };
      return runTransaction(steps, new SqliteTx(writes), fn, (revision) => this.notifier.publish(revision));
    });
  }

  get<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined> {
    return this.read(() => this.reads.get(kind, id));
  }

  list<K extends ResourceKind>(kind: K, query?: ListQuery): Promise<ResourceByKind[K][]> {
    return this.read(() => this.reads.list(kind, query));
  }

  revision(): Promise<number> {
    return this.read(() => this.reads.revision());
  }

  readAll(): Promise<StoreContents> {
    const connection = this.reader ?? this.db;
    return this.read(() => connection.transaction(() => this.reads.readAll())());
  }

  readChanges(since: number | null): Promise<StoreChanges> {
    const connection = this.reader ?? this.db;
    return this.read(() => connection.transaction(() => this.reads.readChanges(since))());
  }

  onChange(listener: (revision: number) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  close(): Promise<void> {
    return this.mutex.run(() => {
      if (this.closed) return;
      this.closed = true;
      this.reader?.close();
      this.db.close();
    });
  }

  private async read<T>(query: () => T): Promise<T> {
    if (this.reader === undefined) return this.mutex.run(() => (this.assertOpen(), query()));
    this.assertOpen();
    return query();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }
}

/** better-sqlite3 is synchronous: each operation runs to completion on the one write connection. */
class SqliteTx extends RecordingTx {
  constructor(private readonly statements: SqliteStatements) {
    super();
  }

  protected async select<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined> {
    return this.statements.get(kind, id);
  }

  protected async selectAll<K extends ResourceKind>(kind: K, query?: ListQuery): Promise<ResourceByKind[K][]> {
    return this.statements.list(kind, query);
  }

  protected async insertRow(kind: ResourceKind, resource: ResourceByKind[ResourceKind]): Promise<void> {
    this.statements.insert(kind, resource);
  }

  protected async updateRow(kind: ResourceKind, resource: ResourceByKind[ResourceKind]): Promise<void> {
    this.statements.update(kind, resource);
  }

  protected async deleteRow(kind: ResourceKind, id: string): Promise<boolean> {
    return this.statements.remove(kind, id);
  }

  protected violatedIndex(error: unknown): UniqueIndex | undefined {
    if (!(error instanceof Database.SqliteError) || error.code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
    return INDEX_BY_MESSAGE.get(error.message);
  }

  protected async listenerPortTaken(listener: Listener): Promise<boolean> {
    return this.statements.listenerPortTaken(listener);
  }
}

/** SQLite names the columns of the violated index ("UNIQUE constraint failed: listener.loadbalancer_id, …"), not the index. */
const INDEX_BY_MESSAGE = new Map<string, UniqueIndex>(
  Object.entries(UNIQUE_INDEX_COLUMNS).map(([index, { table, columns }]) => [
    `UNIQUE constraint failed: ${columns.map((column) => `${table}.${column}`).join(', ')}`,
    index as UniqueIndex,
  ]),
);
