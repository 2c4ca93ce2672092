// The SQLite schema, as numbered migrations recorded in schema_migrations and applied at open.
// A migration, once committed, never changes: add a new one instead.

import type { Database } from 'better-sqlite3';

interface Migration {
  version: number;
  name: string;
  sql: string;
}

function resourceTable(kind: string, extraColumns = ''): string {
  // seq orders rows created within the same created_at; AUTOINCREMENT never reuses a value.
  return `
    CREATE TABLE "${kind}" (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      body TEXT NOT NULL${extraColumns}
    );
    CREATE INDEX "${kind}_creation" ON "${kind}" (created_at, seq);`;
}

/** Expression indexes matching list() filters on parent ids, which the API uses on every listing. */
function parentIndex(kind: string, field: string): string {
  return `CREATE INDEX "${kind}_${field}" ON "${kind}" (json_extract(body, '$.${field}'));`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'resources, unique indexes, revision',
    sql: `
      CREATE TABLE revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
      INSERT INTO revision (id, value) VALUES (1, 0);
      ${resourceTable('loadbalancer')}
      ${resourceTable('listener', `,
      loadbalancer_id TEXT NOT NULL,
      transport TEXT NOT NULL,
      protocol_port INTEGER NOT NULL,
      bind_address TEXT`)}
      CREATE UNIQUE INDEX listener_port ON listener (loadbalancer_id, transport, protocol_port);
      CREATE UNIQUE INDEX listener_bind ON listener (bind_address, transport, protocol_port);
      ${resourceTable('pool')}
      ${parentIndex('pool', 'loadbalancer_id')}
      ${resourceTable('member', `,
      pool_id TEXT NOT NULL,
      address TEXT NOT NULL,
      protocol_port INTEGER NOT NULL`)}
      CREATE UNIQUE INDEX member_address ON member (pool_id, address, protocol_port);
      ${resourceTable('healthmonitor')}
      ${parentIndex('healthmonitor', 'pool_id')}
      ${resourceTable('l7policy')}
      ${parentIndex('l7policy', 'listener_id')}
      ${resourceTable('l7rule')}
      ${parentIndex('l7rule', 'l7policy_id')}
      ${resourceTable('certificate')}
      ${resourceTable('ipgroup')}`,
  },
  {
    version: 2,
    name: 'indexes for listing listeners and members by parent',
    sql: `
      ${parentIndex('listener', 'loadbalancer_id')}
      ${parentIndex('member', 'pool_id')}`,
  },
  {
    version: 3,
    name: 'change log: which resources each revision wrote',
    // log_floor: the log holds every change after this revision (none before the migration).
    sql: `
      CREATE TABLE change_log (revision INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (revision, kind, id)) WITHOUT ROWID;
      ALTER TABLE revision ADD COLUMN log_floor INTEGER NOT NULL DEFAULT 0;
      UPDATE revision SET log_floor = value;`,
  },
  {
    version: 4,
    name: 'quotas, flavors, flavor profiles, availability zones and their profiles',
    sql: `
      ${resourceTable('quota')}
      ${resourceTable('flavorprofile')}
      ${resourceTable('flavor')}
      ${resourceTable('availabilityzoneprofile')}
      ${resourceTable('availabilityzone')}`,
  },
  {
    version: 5,
    name: 'nodes: the elbow nodes sharing the store and their heartbeats',
    // Not configuration: heartbeats never move the revision (store/node-registry.ts). Times are
    // ISO strings by SQLite's clock.
    sql: `
      CREATE TABLE node (
        name TEXT PRIMARY KEY,
        node_id TEXT NOT NULL,
        availability_zone TEXT,
        api_url TEXT,
        version TEXT NOT NULL,
        applied_revision INTEGER,
        health TEXT NOT NULL,
        health_detail TEXT,
        heartbeat_interval_ms INTEGER NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        started_at TEXT NOT NULL,
        last_heartbeat TEXT NOT NULL
      );`,
  },
];

/** Applies the missing migrations in one write transaction, so two processes opening the file at once cannot both apply one. */
export function migrate(db: Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = db.prepare('SELECT version FROM schema_migrations').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  db.transaction(() => {
    const done = new Set(applied.all() as number[]);
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    }
  }).immediate();
}
