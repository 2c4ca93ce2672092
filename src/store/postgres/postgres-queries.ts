// The SQL of the PostgreSQL store, run on a pooled client (inside a transaction) or on the pool
// (single statements outside one). Statements are named, so each connection prepares them once.

import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { withDefaults } from '../../model/resources/catalog.js';
import { RESOURCE_KINDS } from '../../model/types.js';
import type { Listener, LoadBalancer, ResourceByKind, ResourceKind } from '../../model/types.js';
import { assertFilterField, indexedValues, notFound, unknownMarker } from '../indexed-columns.js';
import { CHANGE_LOG_REVISIONS, CHANGE_LOG_TRIM_EVERY } from '../store.js';
import type { ListQuery, StoreChanges, StoreContents, StoreRow } from '../store.js';

type AnyResource = ResourceByKind[ResourceKind];

/** The one row of the revision table (migrations insert it; nothing deletes it). */
function theRow<T>(rows: readonly T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error('the revision row is missing');
  return row;
}

export class PostgresQueries {
  constructor(
    private readonly db: Pool | PoolClient,
    private readonly schema: string,
  ) {}

  async get<K extends ResourceKind>(kind: K, id: string): Promise<ResourceByKind[K] | undefined> {
    const rows = await this.query<{ body: ResourceByKind[K] }>(`SELECT body FROM ${this.table(kind)} WHERE id = $1`, [id]);
    const body = rows[0]?.body;
    return body === undefined ? undefined : withDefaults(kind, body);
  }

  async list<K extends ResourceKind>(kind: K, query: ListQuery = {}): Promise<ResourceByKind[K][]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const filters = query.filters ?? {};
    if (Object.keys(filters).length > 0) {
      for (const field of Object.keys(filters)) assertFilterField(field);
      // Containment matches top-level scalars by JSON type and value, and uses the GIN index.
      params.push(JSON.stringify(filters));
      where.push(`body @> $${params.length}::jsonb`);
    }
    if (query.marker !== undefined) {
      const [position] = await this.query<{ created_at: string; seq: string }>(`SELECT created_at, seq FROM ${this.table(kind)} WHERE id = $1`, [query.marker]);
      if (position === undefined) throw unknownMarker(kind, query.marker);
      params.push(position.created_at, position.seq);
      where.push(`(created_at, seq) > ($${params.length - 1}, $${params.length}::bigint)`);
    }
    let sql = `SELECT body FROM ${this.table(kind)}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, seq`;
    if (query.limit !== undefined) {
      params.push(query.limit);
      sql += ` LIMIT $${params.length}`;
    }
    return (await this.query<{ body: ResourceByKind[K] }>(sql, params)).map((row) => withDefaults(kind, row.body));
  }

  async revision(): Promise<number> {
    return Number(theRow(await this.query<{ value: string }>(`SELECT value FROM "${this.schema}".revision WHERE id = 1`)).value);
  }

  /** Takes the revision row's lock: transactions of every node sharing the schema run one at a time. */
  async lockRevision(): Promise<number> {
    return Number(theRow(await this.query<{ value: string }>(`SELECT value FROM "${this.schema}".revision WHERE id = 1 FOR UPDATE`)).value);
  }

  /** Adds one to the revision and tells every node listening on channel. */
  async bumpRevision(channel: string): Promise<number> {
    const row = theRow(await this.query<{ value: string }>(`UPDATE "${this.schema}".revision SET value = value + 1 WHERE id = 1 RETURNING value`));
    await this.query('SELECT pg_notify($1, $2)', [channel, row.value]);
    return Number(row.value);
  }

  /** Reads every table; the caller runs it in one REPEATABLE READ transaction for a consistent view. */
  async readAll(): Promise<StoreContents> {
    const revision = await this.revision();
    const resources = {} as Record<ResourceKind, AnyResource[]>;
    for (const kind of RESOURCE_KINDS) {
      resources[kind] = (await this.query<{ body: AnyResource }>(`SELECT body FROM ${this.table(kind)} ORDER BY created_at, seq`)).map((row) => withDefaults(kind, row.body));
    }
    return { revision, resources: resources as StoreContents['resources'] };
  }

  /** Reads the changes after `since`; the caller runs it in one REPEATABLE READ transaction. */
  async readChanges(since: number | null): Promise<StoreChanges> {
    const head = theRow(await this.query<{ value: string; log_floor: string }>(`SELECT value, log_floor FROM "${this.schema}".revision WHERE id = 1`));
    const revision = Number(head.value);
    const floor = Number(head.log_floor);
    const rows: StoreRow[] = [];
    if (since === null || since < floor || since > revision) {
      for (const kind of RESOURCE_KINDS) {
        const found = await this.query<{ seq: string; body: AnyResource }>(`SELECT seq, body FROM ${this.table(kind)} ORDER BY created_at, seq`);
        for (const row of found) rows.push({ kind, seq: Number(row.seq), resource: withDefaults(kind, row.body) });
      }
      return { revision, complete: true, rows, removed: [] };
    }
    const changed = await this.query<{ kind: ResourceKind; id: string }>(`SELECT DISTINCT kind, id FROM "${this.schema}".change_log WHERE revision > $1`, [since]);
    const idsByKind = new Map<ResourceKind, string[]>();
    for (const { kind, id } of changed) {
      if (!(RESOURCE_KINDS as readonly string[]).includes(kind)) continue;
      idsByKind.set(kind, [...(idsByKind.get(kind) ?? []), id]);
    }
    const removed: { kind: ResourceKind; id: string }[] = [];
    for (const [kind, ids] of idsByKind) {
      const found = await this.query<{ id: string; seq: string; body: AnyResource }>(`SELECT id, seq, body FROM ${this.table(kind)} WHERE id = ANY($1::text[])`, [ids]);
      const present = new Set(found.map((row) => row.id));
      for (const row of found) rows.push({ kind, seq: Number(row.seq), resource: withDefaults(kind, row.body) });
      for (const id of ids) if (!present.has(id)) removed.push({ kind, id });
    }
    return { revision, complete: false, rows, removed };
  }

  /** Records what a revision wrote, and now and then forgets revisions no reader should need. */
  async logChanges(revision: number, changes: readonly { kind: ResourceKind; id: string }[]): Promise<void> {
    await this.query(
      `INSERT INTO "${this.schema}".change_log (revision, kind, id) SELECT $1::bigint, kind, id FROM unnest($2::text[], $3::text[]) AS t(kind, id) ON CONFLICT DO NOTHING`,
      [revision, changes.map((change) => change.kind), changes.map((change) => change.id)],
    );
    if (revision % CHANGE_LOG_TRIM_EVERY === 0 && revision > CHANGE_LOG_REVISIONS) {
      const floor = revision - CHANGE_LOG_REVISIONS;
      await this.query(`DELETE FROM "${this.schema}".change_log WHERE revision <= $1`, [floor]);
      await this.query(`UPDATE "${this.schema}".revision SET log_floor = GREATEST(log_floor, $1) WHERE id = 1`, [floor]);
    }
  }

  async insert(kind: ResourceKind, resource: AnyResource): Promise<void> {
    const columns = columnsOf(kind, resource);
    const names = Object.keys(columns);
    const params = Object.values(columns);
    const values = names.map((_, i) => `$${i + 1}`);
    if (kind === 'listener') {
      names.push('bind_address');
      values.push(this.bindAddressOf(names.indexOf('loadbalancer_id') + 1));
    }
    await this.query(`INSERT INTO ${this.table(kind)} (${names.join(', ')}) VALUES (${values.join(', ')})`, params);
    if (kind === 'loadbalancer') await this.rebindListeners(resource as LoadBalancer);
  }

  async update(kind: ResourceKind, resource: AnyResource): Promise<void> {
    const columns = columnsOf(kind, resource);
    const names = Object.keys(columns);
    const assignments = names.map((name, i) => `${name} = $${i + 1}`).filter((_, i) => names[i] !== 'id');
    if (kind === 'listener') assignments.push(`bind_address = ${this.bindAddressOf(names.indexOf('loadbalancer_id') + 1)}`);
    const sql = `UPDATE ${this.table(kind)} SET ${assignments.join(', ')} WHERE id = $${names.indexOf('id') + 1}`;
    const result = await this.db.query({ name: statementName(sql), text: sql, values: Object.values(columns) });
    if (result.rowCount === 0) throw notFound(kind, resource.id);
    if (kind === 'loadbalancer') await this.rebindListeners(resource as LoadBalancer);
  }

  /** Returns whether a row was deleted. */
  async remove(kind: ResourceKind, id: string): Promise<boolean> {
    const sql = `DELETE FROM ${this.table(kind)} WHERE id = $1`;
    const result = await this.db.query({ name: statementName(sql), text: sql, values: [id] });
    return (result.rowCount ?? 0) > 0;
  }

  /** Whether another listener holds this one's (load balancer, transport, port). */
  async listenerPortTaken(listener: Listener): Promise<boolean> {
    const { loadbalancer_id, transport, protocol_port } = indexedValues('listener', listener);
    const sql = `SELECT 1 FROM ${this.table('listener')} WHERE loadbalancer_id = $1 AND transport = $2 AND protocol_port = $3 AND id <> $4`;
    return (await this.query(sql, [loadbalancer_id, transport, protocol_port, listener.id])).length > 0;
  }

  /** Runs a statement without a name, for SAVEPOINT and friends. */
  async command(sql: string): Promise<string> {
    return (await this.db.query(sql)).command;
  }

  /** A listener binds its load balancer's VIP; listener_bind needs it on the row. */
  private bindAddressOf(loadBalancerParam: number): string {
    return `(SELECT body->>'vip_address' FROM ${this.table('loadbalancer')} WHERE id = $${loadBalancerParam})`;
  }

  /** Keeps listener.bind_address equal to the VIP when a load balancer is created (after its listeners) or its VIP changes. */
  private async rebindListeners(loadBalancer: LoadBalancer): Promise<void> {
    await this.query(`UPDATE ${this.table('listener')} SET bind_address = $1 WHERE loadbalancer_id = $2`, [loadBalancer.vip_address, loadBalancer.id]);
  }

  private table(kind: ResourceKind): string {
    return `"${this.schema}"."${kind}"`;
  }

  private async query<Row extends QueryResultRow>(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.db.query<Row>({ name: statementName(sql), text: sql, values })).rows;
  }
}

function columnsOf(kind: ResourceKind, resource: AnyResource): Record<string, unknown> {
  return { id: resource.id, created_at: resource.created_at, body: JSON.stringify(resource), ...indexedValues(kind, resource) };
}

/** A prepared statement's name must be unique per text on a connection and fit in 63 bytes. */
function statementName(sql: string): string {
  return `elbow_${createHash('sha1').update(sql).digest('hex').slice(0, 32)}`;
}
