// ':memory:' has a single connection, so reads outside a transaction queue behind it instead of
// using a read connection; they must still never see uncommitted writes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { loadBalancer } from '../../contract/resource-fixtures.js';

test('an in-memory store commits, and outside reads wait for the open transaction', async (t) => {
  const store = await openSqliteStore({ path: ':memory:' });
  t.after(() => store.close());
  const lb = loadBalancer();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const committing = store.transaction(async (tx) => {
    await tx.insert('loadbalancer', lb);
    await released;
  });
  const reading = store.get('loadbalancer', lb.id);
  const readAll = store.readAll();
  release();
  await committing;
  assert.deepStrictEqual(await reading, lb);
  assert.deepStrictEqual((await readAll).resources.loadbalancer, [lb]);
  assert.equal((await readAll).revision, 1);
});
