import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSnapshot, SnapshotChecker } from '../../../src/snapshot/check-snapshot.js';
import type { Snapshot } from '../../../src/snapshot/snapshot.js';
import { makeListener, makeMember, makeMonitor, makePool, makeSnapshot } from '../dataplane/support.js';

test('a consistent snapshot has no problems', () => {
  const snapshot = makeSnapshot(1, [makeListener({ id: 'a', port: 80, defaultPoolId: 'p' }), makeListener({ id: 'u', port: 80, protocol: 'UDP' })], [makePool({ id: 'p', members: [makeMember({ id: 'm', port: 1 })] })]);
  assert.deepEqual(checkSnapshot(snapshot), []);
});

test('missing pools, clashing listeners and duplicate members are reported', () => {
  const snapshot = makeSnapshot(
    1,
    [makeListener({ id: 'a', port: 80, defaultPoolId: 'gone' }), makeListener({ id: 'b', port: 80, address: '0.0.0.0' }), makeListener({ id: 'c', port: 80, enabled: false })],
    [makePool({ id: 'p', members: [makeMember({ id: 'm', port: 1 })] }), makePool({ id: 'q', members: [makeMember({ id: 'm', port: 2 })] })],
  );
  assert.deepEqual(checkSnapshot(snapshot), ['listener a references missing pool gone', 'listeners a and b both bind tcp 0.0.0.0:80', 'member m appears twice']);
});

test('a clash names the earliest listener binding an overlapping socket, wildcards included', () => {
  const at = (id: string, address: string) => makeListener({ id, port: 80, address });
  const snapshot = makeSnapshot(1, [at('a', '127.0.0.1'), at('b', '127.0.0.2'), at('any', '0.0.0.0'), at('c', '127.0.0.1'), at('d', '127.0.0.3'), at('any6', '::'), at('e', '127.0.0.2')], []);
  assert.deepEqual(checkSnapshot(snapshot), [
    'listeners a and any both bind tcp 0.0.0.0:80',
    'listeners a and c both bind tcp 127.0.0.1:80',
    'listeners any and d both bind tcp 127.0.0.3:80',
    'listeners a and any6 both bind tcp :::80',
    'listeners b and e both bind tcp 127.0.0.2:80',
  ]);
});

test('a thousand listeners on one port, each on its own address, are consistent', () => {
  const listeners = Array.from({ length: 1000 }, (_, i) => makeListener({ id: `l${i}`, port: 80, address: `127.0.${1 + Math.floor(i / 254)}.${1 + (i % 254)}` }));
  assert.deepEqual(checkSnapshot(makeSnapshot(1, listeners, [])), []);
});

test('the incremental checker answers as checkSnapshot over a run of snapshots sharing parts', () => {
  const pool = (id: string, ...members: string[]) => makePool({ id, members: members.map((member, i) => makeMember({ id: member, port: 1 + i })) });
  const listener = (id: string, poolId: string) => makeListener({ id, port: 80, address: `127.0.0.${id.length}`, defaultPoolId: poolId });
  const p = pool('p', 'm1', 'm2');
  const q = pool('q', 'm3');
  const listeners = [listener('a', 'p'), listener('bb', 'q')];
  const checker = new SnapshotChecker();
  const run: Snapshot[] = [
    makeSnapshot(1, listeners, [p, q]),
    // A member added to q: only q is new.
    makeSnapshot(2, listeners, [p, pool('q', 'm3', 'm4')]),
    // A member of p appears in q too.
    makeSnapshot(3, listeners, [p, pool('q', 'm3', 'm1')]),
    makeSnapshot(4, listeners, [p, q]),
    // A member moves from p to q in one change.
    makeSnapshot(5, listeners, [pool('p', 'm1'), pool('q', 'm3', 'm2')]),
    // Twice in one new pool.
    makeSnapshot(6, listeners, [p, pool('q', 'm3', 'm3')]),
    makeSnapshot(7, listeners, [p, q]),
    // The same pool object filed under another id.
    { revision: 8, listeners, pools: { p, r: q } },
    makeSnapshot(9, listeners, [p, q]),
    // A monitor with no interval in a changed pool.
    makeSnapshot(10, listeners, [p, { ...q, healthMonitor: makeMonitor({ intervalMs: 0 }) }]),
    // A pool gone that a listener still names, then back.
    makeSnapshot(11, listeners, [p]),
    makeSnapshot(12, listeners, [p, q]),
    // Two listeners on one socket.
    makeSnapshot(13, [...listeners, listener('c', 'p')], [p, q]),
    makeSnapshot(14, listeners, [p, q]),
  ];
  const answers = run.map((snapshot) => checker.check(snapshot));
  assert.deepEqual(answers, run.map((snapshot) => checkSnapshot(snapshot)));
  assert.deepEqual(answers.map((problems) => problems.length > 0), [false, false, true, false, false, true, false, true, false, true, true, false, true, false]);
});
