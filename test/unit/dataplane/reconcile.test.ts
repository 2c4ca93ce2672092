import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcile } from '../../../src/dataplane/reconcile.js';
import type { SnapshotListener } from '../../../src/snapshot/snapshot.js';
import { makeListener, makeSnapshot } from './support.js';

const running = (...listeners: SnapshotListener[]) => new Map(listeners.map((l) => [l.id, l]));

test('new listeners open, kept ones update, missing ones close', () => {
  const plan = reconcile(running(makeListener({ id: 'a', port: 1 }), makeListener({ id: 'gone', port: 2 })), makeSnapshot(2, [makeListener({ id: 'a', port: 1, connectionLimit: 5 }), makeListener({ id: 'new', port: 3 })], []));
  assert.deepEqual(plan.open.map((l) => l.id), ['new']);
  assert.deepEqual(plan.update.map((l) => l.id), ['a']);
  assert.deepEqual(plan.closeFirst, []);
  assert.deepEqual(plan.close, ['gone']);
});

test('a change of port or address reopens the listener', () => {
  const plan = reconcile(running(makeListener({ id: 'a', port: 1 }), makeListener({ id: 'b', port: 2 })), makeSnapshot(2, [makeListener({ id: 'a', port: 9 }), makeListener({ id: 'b', port: 2, address: '127.0.1.1' })], []));
  assert.deepEqual(plan.open.map((l) => l.id), ['a', 'b']);
  assert.deepEqual(plan.update, []);
  assert.deepEqual([...plan.close].sort(), ['a', 'b']);
});

test('a protocol change on the same port closes the old socket before the new one opens', () => {
  const plan = reconcile(running(makeListener({ id: 'a', port: 80 })), makeSnapshot(2, [makeListener({ id: 'a', port: 80, protocol: 'HTTP' })], []));
  assert.deepEqual(plan.open.map((l) => l.id), ['a']);
  assert.deepEqual(plan.closeFirst, ['a']);
  assert.deepEqual(plan.close, []);
});

test('another listener taking over a freed address waits for it to close', () => {
  const plan = reconcile(running(makeListener({ id: 'old', port: 80 })), makeSnapshot(2, [makeListener({ id: 'new', port: 80 })], []));
  assert.deepEqual(plan.closeFirst, ['old']);
});

test('disabled listeners are closed and not opened', () => {
  const plan = reconcile(running(makeListener({ id: 'a', port: 1 })), makeSnapshot(2, [makeListener({ id: 'a', port: 1, enabled: false }), makeListener({ id: 'b', port: 2, enabled: false })], []));
  assert.deepEqual(plan.open, []);
  assert.deepEqual(plan.update, []);
  assert.deepEqual(plan.close, ['a']);
});

test('a running listener given the very same configuration and pools is left alone; a copy, or a changed pool, updates', () => {
  const same = makeListener({ id: 'same', port: 1 });
  const copied = makeListener({ id: 'copied', port: 2 });
  const next = makeSnapshot(2, [same, { ...copied }], []);
  const plan = reconcile(running(same, copied), next, next.pools);
  assert.deepEqual(plan.open, []);
  assert.deepEqual(plan.update.map((l) => l.id), ['copied']);
  assert.deepEqual(plan.close, []);
  assert.deepEqual(plan.closeFirst, []);
  // Without the running pools nothing is known to be the same.
  assert.deepEqual(reconcile(running(same, copied), next).update.map((l) => l.id), ['same', 'copied']);
  const pooled = { ...same, defaultPoolId: 'p' };
  const pool = { id: 'p' } as never;
  const withPool = (p: unknown) => ({ ...makeSnapshot(3, [pooled], []), pools: { p } as never });
  assert.deepEqual(reconcile(running(pooled), withPool(pool), { p: pool }).update, []);
  assert.deepEqual(reconcile(running(pooled), withPool({ id: 'p' }), { p: pool }).update.map((l) => l.id), ['same']);
});
