// The store contract against PostgreSQL, one fresh schema per test, plus what only a shared
// store does: several nodes on one schema see each other's commits and take turns.
// Needs the server at ELBOW_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { PostgresStoreOptions } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { listener, loadBalancer } from './resource-fixtures.js';
import { runStoreContract, waitFor } from './store.contract.js';

const URL = process.env.ELBOW_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Pool({ connectionString: URL, max: 2 });
after(() => admin.end());

const unreachable = await admin.query('SELECT 1').then(
  () => undefined,
  (error: unknown) => `PostgreSQL is not reachable at ${URL} (${String(error)}); start it or set ELBOW_TEST_POSTGRES_URL`,
);

function newSchema(): string {
  return `elbow_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function dropSchema(schema: string): Promise<void> {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

if (unreachable !== undefined) {
  test('PostgreSQL store tests', () => {
    throw new Error(unreachable);
  });
} else {
  runStoreContract('postgres', async () => {
    const schema = newSchema();
    return { open: () => openPostgresStore({ connectionString: URL, schema }), destroy: () => dropSchema(schema) };
  });

  describe('PostgreSQL store shared by several nodes', () => {
    async function twoNodes(t: { after: (fn: () => Promise<void>) => void }, options: Partial<PostgresStoreOptions> = {}): Promise<[Store, Store, string]> {
      const schema = newSchema();
      const first = await openPostgresStore({ connectionString: URL, schema, ...options });
      const second = await openPostgresStore({ connectionString: URL, schema, ...options });
      t.after(async () => {
        await first.close();
        await second.close();
        await dropSchema(schema);
      });
      return [first, second, schema];
    }

    test("each node's onChange hears the other's commits through NOTIFY", async (t) => {
      // Polling an hour apart: only the notification can deliver within the test.
      const [first, second] = await twoNodes(t, { pollIntervalMs: 3_600_000 });
      const heardBySecond: number[] = [];
      const heardByFirst: number[] = [];
      second.onChange((revision) => heardBySecond.push(revision));
      first.onChange((revision) => heardByFirst.push(revision));
      const lb = loadBalancer();
      const { revision } = await first.transaction((tx) => tx.insert('loadbalancer', lb));
      await waitFor(() => heardBySecond.includes(revision));
      assert.deepStrictEqual(await second.get('loadbalancer', lb.id), lb);
      const next = await second.transaction((tx) => tx.remove('loadbalancer', lb.id));
      await waitFor(() => heardByFirst.includes(next.revision));
      assert.deepStrictEqual(heardByFirst, [revision, next.revision], 'each revision once, in order');
      assert.deepStrictEqual(heardBySecond, [revision, next.revision]);
    });

    test('a node whose LISTEN connection was cut reconnects and hears commits again', async (t) => {
      const [first, second, schema] = await twoNodes(t, { pollIntervalMs: 3_600_000 });
      const listeners = async () =>
        (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [`elbow-listen-${schema}`])).rows.map((row) => row.pid);
      const before = await listeners();
      assert.equal(before.length, 2);
      await admin.query('SELECT pg_terminate_backend($1)', [before[0]]);
      const heard: number[] = [];
      first.onChange((revision) => heard.push(revision));
      second.onChange((revision) => heard.push(revision));
      // Whichever node lost its connection, it is back once two listeners other than the killed one exist.
      const deadline = Date.now() + 10_000;
      while ((await listeners()).filter((pid) => pid !== before[0]).length < 2) {
        assert.ok(Date.now() < deadline, 'the LISTEN connection did not come back');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { revision } = await first.transaction((tx) => tx.insert('loadbalancer', loadBalancer()));
      await waitFor(() => heard.filter((each) => each === revision).length === 2);
    });

    test('polling catches up with a revision no notification announced', async (t) => {
      const [first, , schema] = await twoNodes(t, { pollIntervalMs: 50 });
      const heard: number[] = [];
      first.onChange((revision) => heard.push(revision));
      await admin.query(`UPDATE "${schema}".revision SET value = value + 1`);
      await waitFor(() => heard.includes(1));
    });

    test('check-then-insert transactions of two nodes take turns: exactly one wins, without a unique violation', async (t) => {
      const [first, second] = await twoNodes(t);
      const lb = loadBalancer();
      await first.transaction((tx) => tx.insert('loadbalancer', lb));
      const attempt = (store: Store) =>
        store.transaction(async (tx) => {
          if ((await tx.list('listener', { filters: { loadbalancer_id: lb.id, protocol_port: 443 } })).length > 0) return false;
          await tx.insert('listener', listener(lb.id, { protocol: 'HTTPS', protocol_port: 443 }));
          return true;
        });
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => attempt(i % 2 === 0 ? first : second)));
      assert.equal(outcomes.filter((outcome) => outcome.value).length, 1);
      assert.equal(await second.revision(), 2);
    });

    test('nodes opening one schema at the same time apply the migrations once', async () => {
      const schema = newSchema();
      const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ connectionString: URL, schema })));
      try {
        const { rows } = await admin.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
        assert.deepStrictEqual(rows, MIGRATIONS.map(({ version }) => ({ version })));
      } finally {
        for (const store of stores) await store.close();
        await dropSchema(schema);
      }
    });
  });
}
