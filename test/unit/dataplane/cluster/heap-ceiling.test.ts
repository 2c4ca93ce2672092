import assert from 'node:assert/strict';
import { it, type TestContext } from 'node:test';
import { startHeapCeiling, type HeapCeilingOptions } from '../../../../src/dataplane/cluster/heap-ceiling.js';

const MB = 2 ** 20;
const waitUntil = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A ceiling checked every 10 ms, stopped when the test ends. */
const started = (t: TestContext, options: HeapCeilingOptions): void => {
  const timer = startHeapCeiling({ intervalMs: 10, ...options });
  t.after(() => clearInterval(timer));
};

it('collects once the heap is over factor times what the last collection left', async (t) => {
  let used = 40 * MB;
  let collections = 0;
  started(t, { gc: () => { collections++; used = 50 * MB; }, usedHeap: () => used, factor: 2, floor: 64 * MB });
  used = 79 * MB;
  await pause(60);
  assert.equal(collections, 0, 'under twice the 40 MB it started with');
  used = 81 * MB;
  await waitUntil(() => collections > 0);
  assert.equal(collections, 1);
  used = 99 * MB;
  await pause(60);
  assert.equal(collections, 1, 'the collection left 50 MB: the ceiling is 100 MB now');
  used = 101 * MB;
  await waitUntil(() => collections > 1);
  assert.equal(collections, 2);
});

it('never collects under the floor', async (t) => {
  let used = 1 * MB;
  let collections = 0;
  started(t, { gc: () => collections++, usedHeap: () => used, factor: 2, floor: 64 * MB });
  used = 60 * MB;
  await pause(60);
  assert.equal(collections, 0, '60 times the start, but under the 64 MB floor');
  used = 65 * MB;
  await waitUntil(() => collections > 0);
  assert.ok(collections > 0);
});

it('takes a smaller heap that V8 left by itself as the new live size', async (t) => {
  let used = 100 * MB;
  let collections = 0;
  started(t, { gc: () => collections++, usedHeap: () => used, factor: 2, floor: 1 * MB });
  used = 30 * MB; // V8 collected on its own
  await pause(40);
  used = 70 * MB; // over 2 × 30 MB, though under 2 × the 100 MB it started with
  await waitUntil(() => collections > 0);
  assert.equal(collections > 0, true);
});
