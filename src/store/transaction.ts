// The one shape of a store transaction, shared by SQLite and PostgreSQL: what differs between
// them is a handful of steps (how to begin, bump the revision, commit, roll back) and the SQL of
// each operation; the order of things, the write log, the end of a tx and the unique-index
// errors are the same and live here.

import type { Listener, ResourceByKind, ResourceKind } from '../model/types.js';
import { SerialQueue } from '../util/serial-queue.js';
import { reportedIndex } from './indexed-columns.js';
import { UniqueViolation, type ListQuery, type StoreTx, type UniqueIndex } from './store.js';

type AnyResource = ResourceByKind[ResourceKind];

/** One resource a transaction wrote: a row of the change log. */
export interface ChangeRef {
  readonly kind: ResourceKind;
  readonly id: string;
}

/** The database-specific steps of a transaction. */
export interface TransactionSteps {
  /** BEGIN (and whatever lock makes transactions of all processes run one at a time); the revision it starts from. */
  begin(): Promise<number>;
  /** Adds one to the revision (telling other nodes, where there are any) and returns it. */
  bumpRevision(): Promise<number>;
  /** Records what the revision wrote, for readers that follow the store by revision. */
  logChanges(revision: number, changes: readonly ChangeRef[]): Promise<void>;
  /** COMMIT; throws when the database did not commit. */
  commit(): Promise<void>;
  /** ROLLBACK, whether or not a transaction is open; never throws. */
  rollback(): Promise<void>;
}

/**
 * Runs fn in one transaction: begin; fn; then, only when fn wrote something, a new revision and
 * its change log entries; commit. Any error rolls back and is rethrown. The tx ends before the
 * commit, so a callback that outlived fn cannot write into the next transaction.
 * `committed` hears the new revision once it is durable.
 */
export async function runTransaction<T>(
  steps: TransactionSteps,
  tx: RecordingTx,
  fn: (tx: StoreTx) => Promise<T>,
  committed: (revision: number) => void,
): Promise<{ value: T; revision: number }> {
  let result: { value: T; revision: number };
  try {
    const current = await steps.begin();
    let value: T;
    try {
      value = await fn(tx);
    } finally {
      tx.finish();
    }
    const revision = tx.wrote ? await steps.bumpRevision() : current;
    if (tx.wrote) await steps.logChanges(revision, tx.changes());
    await steps.commit();
    result = { value, revision };
  } catch (error) {
    await steps.rollback();
    throw error;
  }
  if (tx.wrote) committed(result.revision);
  return result;
}

/**
 * A StoreTx that records what it wrote and refuses use after its transaction ended. Operations
 * run one after another even when fn starts several at once (Promise.all), as they share one
 * connection. A write that hits a unique index becomes UniqueViolation and leaves the
 * transaction usable (`guarded` undoes just that statement where the database needs it).
 */
export abstract class RecordingTx implements StoreTx {
  private readonly written = new Map<string, ChangeRef>();
  private readonly operations = new SerialQueue();
  private finished = false;

  get wrote(): boolean {
    return this.written.size > 0;
  }

  changes(): ChangeRef[] {
    return [...this.written.values()];
  }

  finish(): void {
    this.finished = true;
  }

  get<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined> {
    return this.run(() => this.select(kind, id));
  }

  list<K extends ResourceKind>(kind: K, query?: ListQuery): Promise<ResourceByKind[K][]> {
    return this.run(() => this.selectAll(kind, query));
  }

  insert<K extends ResourceKind>(kind: K, resource: ResourceByKind[K]): Promise<void> {
    return this.run(() => this.write(kind, resource, () => this.insertRow(kind, resource)));
  }

  update<K extends ResourceKind>(kind: K, resource: ResourceByKind[K]): Promise<void> {
    return this.run(() => this.write(kind, resource, () => this.updateRow(kind, resource)));
  }

  remove(kind: ResourceKind, id: string): Promise<void> {
    return this.run(async () => {
      if (await this.deleteRow(kind, id)) this.record(kind, id);
    });
  }

  protected abstract select<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined>;
  protected abstract selectAll<K extends ResourceKind>(kind: K, query?: ListQuery): Promise<ResourceByKind[K][]>;
  protected abstract insertRow(kind: ResourceKind, resource: AnyResource): Promise<void>;
  /** ElbowError NOT_FOUND when there is no row with the resource's id. */
  protected abstract updateRow(kind: ResourceKind, resource: AnyResource): Promise<void>;
  /** Whether a row was deleted. */
  protected abstract deleteRow(kind: ResourceKind, id: string): Promise<boolean>;
  /** The unique index a database error reports, if it is one. */
  protected abstract violatedIndex(error: unknown): UniqueIndex | undefined;
  /** Whether another listener holds this one's (load balancer, transport, port). */
  protected abstract listenerPortTaken(listener: Listener): Promise<boolean>;

  /** Runs a write so that its failure leaves the transaction usable; SQLite needs nothing, PostgreSQL a savepoint. */
  protected guarded(statement: () => Promise<void>): Promise<void> {
    return statement();
  }

  private async write(kind: ResourceKind, resource: AnyResource, statement: () => Promise<void>): Promise<void> {
    try {
      await this.guarded(statement);
    } catch (error) {
      const index = this.violatedIndex(error);
      if (index === undefined) throw error;
      const portTaken = index === 'listener_bind' && kind === 'listener' && (await this.listenerPortTaken(resource as Listener));
      throw new UniqueViolation(reportedIndex(index, portTaken));
    }
    this.record(kind, resource.id);
  }

  private record(kind: ResourceKind, id: string): void {
    this.written.set(`${kind}:${id}`, { kind, id });
  }

  private run<T>(operation: () => Promise<T>): Promise<T> {
    return this.operations.run(() => {
      if (this.finished) throw new Error('the transaction has already ended');
      return operation();
    });
  }
}
