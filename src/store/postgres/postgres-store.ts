// The shared store: several elbow nodes on one PostgreSQL schema. Every transaction starts by
// locking the revision row (SELECT … FOR UPDATE), so transactions of all nodes run one at a time
// and a check-then-write inside one is as safe as on SQLite; the unique indexes hold regardless.
// A writing transaction increments the revision and NOTIFYs it on the schema's channel before
// COMMIT; other nodes LISTEN, and poll the revision too in case a notification was missed.

import pg from 'pg';
import type { Listener, ResourceByKind, ResourceKind } from '../../model/types.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { ChangeNotifier } from '../change-notifier.js';
import type { ListQuery, Store, StoreChanges, StoreContents, StoreTx, UniqueIndex } from '../store.js';
import { RecordingTx, runTransaction, type TransactionSteps } from '../transaction.js';
import { checkout } from './checkout.js';
import { migrate } from './migrations.js';
import { PostgresNodeRegistry } from './postgres-nodes.js';
import { PostgresQueries } from './postgres-queries.js';
import { asStoreError } from './unavailable.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema holding the tables (created if missing); tests use one each. Default 'elbow'. */
  schema?: string;
  /** How often to compare the revision in case a notification was missed. Default 3000 ms. */
  pollIntervalMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;
const UNIQUE_INDEXES: ReadonlySet<string> = new Set<UniqueIndex>(['listener_port', 'listener_bind', 'member_address']);
const RECONNECT_DELAY_MS = 1000;
/**
 * Bounds that turn an unreachable server into a prompt STORE_UNAVAILABLE (503) instead of a
 * request that hangs: connecting, and any one statement (a lock wait behind other nodes' short
 * transactions included). TCP keep-alive finds a dead peer on idle pooled connections.
 */
const CONNECT_TIMEOUT_MS = 5_000;
const QUERY_TIMEOUT_MS = 15_000;

export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const schema = options.schema ?? 'elbow';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: 10,
    application_name: 'elbow',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (error) => process.emitWarning(`PostgreSQL pool: ${error.message}`, 'ElbowStoreWarning'));
  try {
    const held = await checkout(pool);
    try {
      await migrate(held.client, schema);
    } finally {
      held.release();
    }
    const queries = new PostgresQueries(pool, schema);
    const store = new PostgresStore(pool, schema, queries, new ChangeNotifier(await queries.revision()));
    await store.followChanges(options.connectionString, options.pollIntervalMs ?? 3000);
    return store;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly nodes: PostgresNodeRegistry;
  /** One local transaction at a time: waiting ones queue here instead of holding pooled clients. */
  private readonly mutex = new SerialQueue();
  private readonly channel: string;
  private listenClient: pg.Client | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pollFailing = false;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly schema: string,
    private readonly queries: PostgresQueries,
    private readonly notifier: ChangeNotifier,
  ) {
    this.channel = `${schema}_revision`;
    this.nodes = new PostgresNodeRegistry(pool, schema);
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<{ value: T; revision: number }> {
    return this.mutex.run(() => this.runTransaction(fn)).catch(rethrowAsStoreError);
  }

  private async runTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<{ value: T; revision: number }> {
    this.assertOpen();
    const held = await checkout(this.pool);
    const queries = new PostgresQueries(held.client, this.schema);
    let connectionBroken = false;
    const steps: TransactionSteps = {
      begin: async () => {
        await queries.command('BEGIN');
        return queries.lockRevision();
      },
      bumpRevision: () => queries.bumpRevision(this.channel),
      logChanges: (revision, changes) => queries.logChanges(revision, changes),
      commit: async () => {
        // COMMIT of a transaction PostgreSQL has aborted answers ROLLBACK instead of failing.
        if ((await queries.command('COMMIT')) !== 'COMMIT') throw new Error('PostgreSQL rolled the transaction back');
      },
      rollback: () => queries.command('ROLLBACK').then(
        () => undefined,
        () => void (connectionBroken = true),
      ),
    };
    try {
      return await runTransaction(steps, new PostgresTx(queries), fn, (revision) => this.notifier.publish(revision));
    } finally {
      held.release(connectionBroken);
    }
  }

  async get<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined> {
    this.assertOpen();
    return this.queries.get(kind, id).catch(rethrowAsStoreError);
  }

  async list<K extends ResourceKind>(kind: K, query?: ListQuery): Promise<ResourceByKind[K][]> {
    this.assertOpen();
    return this.queries.list(kind, query).catch(rethrowAsStoreError);
  }

  async revision(): Promise<number> {
    this.assertOpen();
    return this.queries.revision().catch(rethrowAsStoreError);
  }

  readAll(): Promise<StoreContents> {
    return this.readConsistently((queries) => queries.readAll());
  }

  readChanges(since: number | null): Promise<StoreChanges> {
    return this.readConsistently((queries) => queries.readChanges(since));
  }

  /** Several statements in one REPEATABLE READ transaction: one revision's view. */
  private async readConsistently<T>(read: (queries: PostgresQueries) => Promise<T>): Promise<T> {
    this.assertOpen();
    const held = await checkout(this.pool).catch(rethrowAsStoreError);
    const { client } = held;
    let connectionBroken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await read(new PostgresQueries(client, this.schema));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (connectionBroken = true));
      throw asStoreError(error);
    } finally {
      held.release(connectionBroken);
    }
  }

  onChange(listener: (revision: number) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    await this.mutex.idle(); // let a running transaction finish
    await this.listenClient?.end().catch(() => undefined);
    await this.pool.end();
  }

  /** LISTEN on a dedicated connection (reconnecting when it drops) and poll as a fallback. */
  async followChanges(connectionString: string, pollIntervalMs: number): Promise<void> {
    await this.listen(connectionString);
    this.pollTimer = setInterval(() => void this.poll(), pollIntervalMs);
    this.pollTimer.unref();
  }

  private async listen(connectionString: string): Promise<void> {
    const client = new pg.Client({ connectionString, application_name: `elbow-listen-${this.schema}` });
    const reconnect = () => {
      if (this.closed || this.listenClient !== client) return;
      this.listenClient = undefined;
      this.reconnectTimer = setTimeout(() => {
        this.listen(connectionString).then(
          () => this.poll(), // catch up on what was committed while disconnected
          () => reconnect(),
        );
      }, RECONNECT_DELAY_MS);
      this.reconnectTimer.unref();
    };
    client.on('notification', (message) => {
      const revision = Number(message.payload);
      if (Number.isSafeInteger(revision)) this.notifier.publish(revision);
    });
    client.on('error', () => reconnect());
    client.on('end', () => reconnect());
    this.listenClient = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
    } catch (error) {
      this.listenClient = undefined;
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    try {
      this.notifier.publish(await this.queries.revision());
      this.pollFailing = false;
    } catch (error) {
      if (this.closed || this.pollFailing) return;
      this.pollFailing = true; // warn once per outage, not every interval
      process.emitWarning(`PostgreSQL revision poll failed: ${String(error)}`, 'ElbowStoreWarning');
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the store is closed');
  }
}

/** Every statement on the transaction's one client. */
class PostgresTx extends RecordingTx {
  constructor(private readonly queries: PostgresQueries) {
    super();
  }

  protected select<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined> {
    return this.queries.get(kind, id);
  }

  protected selectAll<K extends ResourceKind>(kind: K, query?: ListQuery): Promise<ResourceByKind[K][]> {
    return this.queries.list(kind, query);
  }

  protected insertRow(kind: ResourceKind, resource: ResourceByKind[ResourceKind]): Promise<void> {
    return this.queries.insert(kind, resource);
  }

  protected updateRow(kind: ResourceKind, resource: ResourceByKind[ResourceKind]): Promise<void> {
    return this.queries.update(kind, resource);
  }

  protected deleteRow(kind: ResourceKind, id: string): Promise<boolean> {
    return this.queries.remove(kind, id);
  }

  protected violatedIndex(error: unknown): UniqueIndex | undefined {
    return violatedIndex(error);
  }

  protected listenerPortTaken(listener: Listener): Promise<boolean> {
    return this.queries.listenerPortTaken(listener);
  }

  /**
   * A failed statement aborts a PostgreSQL transaction; the savepoint undoes only the write, so
   * that, as on SQLite, fn can catch a UniqueViolation and go on.
   */
  protected override async guarded(statement: () => Promise<void>): Promise<void> {
    await this.queries.command('SAVEPOINT elbow_write');
    try {
      await statement();
    } catch (error) {
      await this.queries.command('ROLLBACK TO SAVEPOINT elbow_write');
      throw error;
    }
    await this.queries.command('RELEASE SAVEPOINT elbow_write');
  }
}

function rethrowAsStoreError(error: unknown): never {
  throw asStoreError(error);
}

/** 23505 is unique_violation; the constraint is the index name, which migrations.ts sets to the UniqueIndex name. */
function violatedIndex(error: unknown): UniqueIndex | undefined {
  if (!(error instanceof pg.DatabaseError) || error.code !== '23505' || error.constraint === undefined) return undefined;
  return UNIQUE_INDEXES.has(error.constraint) ? (error.constraint as UniqueIndex) : undefined;
}
