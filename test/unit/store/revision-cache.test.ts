// withRevisionCache: one whole-store read per revision, a fresh one after every commit.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withRevisionCache } from '../../../src/store/revision-cache.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { loadBalancer } from '../../contract/resource-fixtures.js';

test('readAll is read once per revision and again after a commit', async (t) => {
  const inner = await openSqliteStore({ path: ':memory:' });
  t.after(() => inner.close());
  let reads = 0;
  const readAll = inner.readAll.bind(inner);
  inner.readAll = () => (reads++, readAll());
  const store = withRevisionCache(inner);

  const first = await store.readAll();
  assert.equal(await store.readAll(), first, 'same revision: the same contents, not read again');
  assert.equal(reads, 1);

  const lb = loadBalancer();
  await store.transaction((tx) => tx.insert('loadbalancer', lb));
  const second = await store.readAll();
  assert.equal(reads, 2);
  assert.equal(second.revision, first.revision + 1);
  assert.deepStrictEqual(second.resources.loadbalancer, [lb]);
  await Promise.all([store.readAll(), store.readAll()]);
  assert.equal(reads, 2);
});

test('a failed read is not remembered', async (t) => {
  const inner = await openSqliteStore({ path: ':memory:' });
  t.after(() => inner.close());
  let fail = true;
  const readAll = inner.readAll.bind(inner);
  inner.readAll = () => (fail ? Promise.reject(new Error('disk on fire')) : readAll());
  const store = withRevisionCache(inner);
  await assert.rejects(store.readAll(), /disk on fire/);
  fail = false;
  assert.equal((await store.readAll()).revision, 0);
});
