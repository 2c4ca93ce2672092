import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialQueue } from '../../../src/util/serial-queue.js';

test('tasks run one at a time in call order; a failure rejects only its own promise', async () => {
  const queue = new SerialQueue();
  const events: string[] = [];
  const task = (name: string, wait: number, fail = false) => async () => {
    events.push(`start ${name}`);
    await sleep(wait);
    events.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([queue.run(task('a', 20)), queue.run(task('b', 1, true)), queue.run(task('c', 1)), queue.run(() => 'sync')]);
  assert.deepEqual(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)), ['a', 'b', 'c', 'sync']);
  let done = false;
  void queue.run(async () => {
    await sleep(5);
    done = true;
  });
  await queue.idle();
  assert.equal(done, true);
});
