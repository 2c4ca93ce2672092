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
import { defined } from '../../helpers/defined.js';

test('migrations are recorded once, and a database missing the latest one is upgraded at open', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'elbow-migrations-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'elbow.db');
  const lb = loadBalancer();
  const store = await openSqliteStore({ path });
  await store.transaction((tx) => tx.insert('loadbalancer', lb));
  await store.close();
  await (await openSqliteStore({ path })).close();

  const latest = defined(MIGRATIONS.at(-1)).version;
  const db = new Database(path);
  const versions = () => db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
  assert.deepStrictEqual(versions(), MIGRATIONS.map((migration) => migration.version));
  // Roll the file back to before the three latest migrations (version 3 added the change log,
  // version 4 the tables of quotas, flavors and availability zones, version 5 the nodes).
  assert.equal(latest, 5);
  db.exec(`DROP TABLE quota; DROP TABLE flavorprofile; DROP TABLE flavor; DROP TABLE availabilityzoneprofile; DROP TABLE availabilityzone; DROP TABLE node;
    DROP TABLE change_log; ALTER TABLE revision DROP COLUMN log_floor; DELETE FROM schema_migrations WHERE version >= 3`);
  db.close();

  const upgraded = await openSqliteStore({ path });
  t.after(() => upgraded.close());
  assert.deepStrictEqual(await upgraded.get('loadbalancer', lb.id), lb);
  const check = new Database(path, { readonly: true });
  t.after(() => check.close());
  assert.deepStrictEqual(check.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all(), [1, 2, 3, 4, 5]);
  assert.deepStrictEqual(await upgraded.list('flavor'), []);
  // The log starts at the upgrade: a reader from an earlier revision reads everything.
  const changes = await upgraded.readChanges(0);
  assert.equal(changes.complete, true);
  assert.deepStrictEqual(changes.rows.map((row) => row.resource), [lb]);
  assert.equal((await upgraded.readChanges(changes.revision)).complete, false);
});
