// The SQL of the SQLite store on one connection, each statement prepared once and cached.

import type { Database, Statement } from 'better-sqlite3';
import { withDefaults } from '../../model/resources/catalog.js';
import { RESOURCE_KINDS } from '../../model/types.js';
import type { Listener, LoadBalancer, ResourceByKind, ResourceKind } from '../../model/types.js';
import { assertFilterField, indexedValues, notFound, unknownMarker } from '../indexed-columns.js';
import { CHANGE_LOG_REVISIONS, CHANGE_LOG_TRIM_EVERY } from '../store.js';
import type { ListQuery, StoreChanges, StoreContents, StoreRow } from '../store.js';

type AnyResource = ResourceByKind[ResourceKind];
type SqlValue = string | number | null;

/** A listener binds its load balancer's VIP; the unique index listener_bind needs it on the row. */
const LISTENER_BIND_ADDRESS = `(SELECT json_extract(body, '$.vip_address') FROM loadbalancer WHERE id = @loadbalancer_id)`;

/** A stored body, with the defaults of fields added after it was written. */
function parseBody<K extends ResourceKind>(kind: K, body: string): ResourceByKind[K] {
  return withDefaults(kind, JSON.parse(body) as ResourceByKind[K]);
}

export class SqliteStatements {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get<K extends ResourceKind>(kind: K, id: string): ResourceByKind[K] | undefined {
    const body = this.statement(`SELECT body FROM "${kind}" WHERE id = ?`, true).get(id) as string | undefined;
    return body === undefined ? undefined : parseBody(kind, body);
  }

  list<K extends ResourceKind>(kind: K, query: ListQuery = {}): ResourceByKind[K][] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    for (const [field, value] of Object.entries(query.filters ?? {})) {
      if (value === undefined) continue;
      assertFilterField(field);
      // The literal JSON path lets SQLite use the expression indexes of migrations.ts.
      if (value === null) {
        where.push(`json_extract(body, '$.${field}') IS NULL`);
      } else {
        where.push(`json_extract(body, '$.${field}') = ?`);
        params.push(typeof value === 'boolean' ? Number(value) : value);
      }
    }
    if (query.marker !== undefined) {
      const position = this.statement(`SELECT created_at, seq FROM "${kind}" WHERE id = ?`).get(query.marker) as { created_at: string; seq: number } | undefined;
      if (position === undefined) throw unknownMarker(kind, query.marker);
      where.push('(created_at, seq) > (?, ?)');
      params.push(position.created_at, position.seq);
    }
    let sql = `SELECT body FROM "${kind}"${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, seq`;
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(query.limit);
    }
    return (this.statement(sql, true).all(...params) as string[]).map((body) => parseBody(kind, body));
  }

  revision(): number {
    return this.statement('SELECT value FROM revision WHERE id = 1', true).get() as number;
  }

  /** Reads every table; the caller runs it inside one transaction for a consistent view. */
  readAll(): StoreContents {
    const resources = {} as Record<ResourceKind, AnyResource[]>;
    for (const kind of RESOURCE_KINDS) {
      const bodies = this.statement(`SELECT body FROM "${kind}" ORDER BY created_at, seq`, true).all() as string[];
      resources[kind] = bodies.map((body) => parseBody(kind, body));
    }
    return { revision: this.revision(), resources: resources as StoreContents['resources'] };
  }

  /** Reads the changes after `since`; the caller runs it inside one transaction for a consistent view. */
  readChanges(since: number | null): StoreChanges {
    const { value: revision, log_floor: floor } = this.statement('SELECT value, log_floor FROM revision WHERE id = 1').get() as { value: number; log_floor: number };
    if (since === null || since < floor || since > revision) {
      const rows: StoreRow[] = [];
      for (const kind of RESOURCE_KINDS) {
        for (const row of this.statement(`SELECT seq, body FROM "${kind}" ORDER BY created_at, seq`).all() as { seq: number; body: string }[]) {
          rows.push({ kind, seq: row.seq, resource: parseBody(kind, row.body) });
        }
      }
      return { revision, complete: true, rows, removed: [] };
    }
    const rows: StoreRow[] = [];
    const removed: { kind: ResourceKind; id: string }[] = [];
    const changed = this.statement('SELECT DISTINCT kind, id FROM change_log WHERE revision > ?').all(since) as { kind: ResourceKind; id: string }[];
    for (const { kind, id } of changed) {
      if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) continue;
      const row = this.statement(`SELECT seq, body FROM "${kind}" WHERE id = ?`).get(id) as { seq: number; body: string } | undefined;
      if (row === undefined) removed.push({ kind, id });
      else rows.push({ kind, seq: row.seq, resource: parseBody(kind, row.body) });
    }
    return { revision, complete: false, rows, removed };
  }

  /** Records what a revision wrote, and now and then forgets revisions no reader should need. */
  logChanges(revision: number, changes: Iterable<{ kind: ResourceKind; id: string }>): void {
    const log = this.statement('INSERT OR IGNORE INTO change_log (revision, kind, id) VALUES (?, ?, ?)');
    for (const { kind, id } of changes) log.run(revision, kind, id);
    if (revision % CHANGE_LOG_TRIM_EVERY === 0 && revision > CHANGE_LOG_REVISIONS) {
      const floor = revision - CHANGE_LOG_REVISIONS;
      this.statement('DELETE FROM change_log WHERE revision <= ?').run(floor);
      this.statement('UPDATE revision SET log_floor = MAX(log_floor, ?) WHERE id = 1').run(floor);
    }
  }

  insert(kind: ResourceKind, resource: AnyResource): void {
    const columns = this.columnsOf(kind, resource);
    const names = Object.keys(columns);
    const values = names.map((name) => `@${name}`);
    if (kind === 'listener') {
      names.push('bind_address');
      values.push(LISTENER_BIND_ADDRESS);
    }
    this.statement(`INSERT INTO "${kind}" (${names.join(', ')}) VALUES (${values.join(', ')})`).run(columns);
    if (kind === 'loadbalancer') this.rebindListeners(resource as LoadBalancer);
  }

  update(kind: ResourceKind, resource: AnyResource): void {
    const columns = this.columnsOf(kind, resource);
    const assignments = Object.keys(columns).filter((name) => name !== 'id').map((name) => `${name} = @${name}`);
    if (kind === 'listener') assignments.push(`bind_address = ${LISTENER_BIND_ADDRESS}`);
    const result = this.statement(`UPDATE "${kind}" SET ${assignments.join(', ')} WHERE id = @id`).run(columns);
    if (result.changes === 0) throw notFound(kind, resource.id);
    if (kind === 'loadbalancer') this.rebindListeners(resource as LoadBalancer);
  }

  /** Whether another listener holds this one's (load balancer, transport, port). */
  listenerPortTaken(listener: Listener): boolean {
    const { loadbalancer_id, transport, protocol_port } = indexedValues('listener', listener);
    const sql = 'SELECT 1 FROM listener WHERE loadbalancer_id = ? AND transport = ? AND protocol_port = ? AND id <> ?';
    return this.statement(sql, true).get(loadbalancer_id, transport, protocol_port, listener.id) !== undefined;
  }

  /** Returns whether a row was deleted. */
  remove(kind: ResourceKind, id: string): boolean {
    return this.statement(`DELETE FROM "${kind}" WHERE id = ?`).run(id).changes > 0;
  }

  /** Adds one to the revision and returns the new value. */
  bumpRevision(): number {
    return this.statement('UPDATE revision SET value = value + 1 WHERE id = 1 RETURNING value', true).get() as number;
  }

  /** Keeps listener.bind_address equal to the VIP when a load balancer is created (after its listeners) or its VIP changes. */
  private rebindListeners(loadBalancer: LoadBalancer): void {
    this.statement('UPDATE listener SET bind_address = ? WHERE loadbalancer_id = ?').run(loadBalancer.vip_address, loadBalancer.id);
  }

  private columnsOf(kind: ResourceKind, resource: AnyResource): Record<string, SqlValue> {
    return { id: resource.id, created_at: resource.created_at, body: JSON.stringify(resource), ...indexedValues(kind, resource) };
  }

  private statement(sql: string, pluck = false): Statement {
    const key = `${pluck ? 'pluck:' : ''}${sql}`;
    let statement = this.cache.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (pluck) statement.pluck();
      this.cache.set(key, statement);
    }
    return statement;
  }
}
