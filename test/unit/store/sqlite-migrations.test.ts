// Migrations run at open, once each: reopening changes nothing, and a database left at an older
// version is brought up to date.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../../src/store/sqlite/migrations.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { loadBalancer } from '../../contract/resource-fixtures.js';

test('migrations are recorded once, and a database missing the latest one is upgraded at open', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'elbow-migrations-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'elbow.db');
  const lb = loadBalancer();
  const store = await openSqliteStore({ path });
  await store.transaction((tx) => tx.insert('loadbalancer', lb));
  await store.close();
  await (await openSqliteStore({ path })).close();

  const latest = MIGRATIONS.at(-1)!.version;
  const db = new Database(path);
  const versions = () => db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
  assert.deepStrictEqual(versions(), MIGRATIONS.map((migration) => migration.version));
  // Roll the file back to before the latest migration (version 2 only added indexes).
  assert.equal(latest, 2);
  db.exec(`DROP INDEX listener_loadbalancer_id; DROP INDEX member_pool_id; DELETE FROM schema_migrations WHERE version = ${latest}`);
  db.close();

  const upgraded = await openSqliteStore({ path });
  t.after(() => upgraded.close());
  assert.deepStrictEqual(await upgraded.get('loadbalancer', lb.id), lb);
  const check = new Database(path, { readonly: true });
  t.after(() => check.close());
  assert.deepStrictEqual(check.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all(), [1, 2]);
  assert.ok(check.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'member_pool_id'").get());
});
