// The PostgreSQL schema, as numbered migrations recorded in schema_migrations and applied at
// open. Every name is qualified with the store's schema. A committed migration never changes.

import type { PoolClient } from 'pg';

interface Migration {
  version: number;
  name: string;
  sql: (schema: string) => string;
}

function resourceTable(schema: string, kind: string, extraColumns = ''): string {
  // created_at compares bytewise (COLLATE "C") like SQLite; seq breaks ties in insertion order.
  return `
    CREATE TABLE "${schema}"."${kind}" (
      seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      created_at TEXT COLLATE "C" NOT NULL,
      body JSONB NOT NULL${extraColumns}
    );
    CREATE INDEX "${kind}_creation" ON "${schema}"."${kind}" (created_at, seq);
    CREATE INDEX "${kind}_body" ON "${schema}"."${kind}" USING GIN (body jsonb_path_ops);`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'resources, unique indexes, revision',
    sql: (s) => `
      CREATE TABLE "${s}".revision (id INTEGER PRIMARY KEY CHECK (id = 1), value BIGINT NOT NULL);
      INSERT INTO "${s}".revision (id, value) VALUES (1, 0);
      ${resourceTable(s, 'loadbalancer')}
      ${resourceTable(s, 'listener', `,
      loadbalancer_id TEXT NOT NULL,
      transport TEXT NOT NULL,
      protocol_port INTEGER NOT NULL,
      bind_address TEXT`)}
      CREATE UNIQUE INDEX listener_port ON "${s}".listener (loadbalancer_id, transport, protocol_port);
      CREATE UNIQUE INDEX listener_bind ON "${s}".listener (bind_address, transport, protocol_port);
      ${resourceTable(s, 'pool')}
      ${resourceTable(s, 'member', `,
      pool_id TEXT NOT NULL,
      address TEXT NOT NULL,
      protocol_port INTEGER NOT NULL`)}
      CREATE UNIQUE INDEX member_address ON "${s}".member (pool_id, address, protocol_port);
      ${resourceTable(s, 'healthmonitor')}
      ${resourceTable(s, 'l7policy')}
      ${resourceTable(s, 'l7rule')}
      ${resourceTable(s, 'certificate')}
      ${resourceTable(s, 'ipgroup')}`,
  },
  {
    version: 2,
    name: 'change log: which resources each revision wrote',
    // log_floor: the log holds every change after this revision (none before the migration).
    sql: (s) => `
      CREATE TABLE "${s}".change_log (revision BIGINT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (revision, kind, id));
      ALTER TABLE "${s}".revision ADD COLUMN log_floor BIGINT NOT NULL DEFAULT 0;
      UPDATE "${s}".revision SET log_floor = value;`,
  },
  {
    version: 3,
    name: 'quotas, flavors, flavor profiles, availability zones and their profiles',
    sql: (s) => `
      ${resourceTable(s, 'quota')}
      ${resourceTable(s, 'flavorprofile')}
      ${resourceTable(s, 'flavor')}
      ${resourceTable(s, 'availabilityzoneprofile')}
      ${resourceTable(s, 'availabilityzone')}`,
  },
  {
    version: 4,
    name: 'nodes: the elbow nodes sharing the store and their heartbeats',
    // Not configuration: heartbeats never move the revision (store/node-registry.ts).
    sql: (s) => `
      CREATE TABLE "${s}".node (
        name TEXT PRIMARY KEY,
        node_id TEXT NOT NULL,
        availability_zone TEXT,
        api_url TEXT,
        version TEXT NOT NULL,
        applied_revision BIGINT,
        health TEXT NOT NULL,
        health_detail TEXT,
        heartbeat_interval_ms INTEGER NOT NULL,
        details JSONB NOT NULL DEFAULT '{}',
        started_at TIMESTAMPTZ NOT NULL,
        last_heartbeat TIMESTAMPTZ NOT NULL
      );`,
  },
];

/**
 * Creates the schema and applies the missing migrations in one transaction, under an advisory
 * lock so that nodes starting together apply each migration once.
 */
export async function migrate(client: PoolClient, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`elbow-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${schema}".schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations`);
    const done = new Set(rows.map((row) => row.version));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql(schema));
      await client.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
