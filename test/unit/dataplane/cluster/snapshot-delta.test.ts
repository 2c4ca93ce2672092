// A worker rebuilds exactly the primary's snapshot from its base and a delta.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { diffSnapshots, patchSnapshot } from '../../../../src/dataplane/cluster/snapshot-delta.js';
import type { Snapshot } from '../../../../src/snapshot/snapshot.js';
import { snapshotOf, tcpListener, tcpPool } from './cluster-fixtures.js';

const arbitrarySnapshot = (revision: number): fc.Arbitrary<Snapshot> => fc.record({
  listeners: fc.uniqueArray(fc.record({ id: fc.constantFrom('l1', 'l2', 'l3', 'l4'), port: fc.integer({ min: 1, max: 3 }), pool: fc.constantFrom('p1', 'p2', null) }), { selector: (l) => l.id }),
  pools: fc.uniqueArray(fc.record({ id: fc.constantFrom('p1', 'p2', 'p3'), members: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }) }), { selector: (p) => p.id }),
}).map(({ listeners, pools }) => snapshotOf(
  revision,
  listeners.map((l) => tcpListener(l.id, l.port, l.pool)),
  pools.map((p) => tcpPool(p.id, p.members.map((port, i) => ({ id: `${p.id}-m${i}`, port })))),
));

test('patching the base with the delta gives the next snapshot, order included', () => {
  fc.assert(fc.property(arbitrarySnapshot(1), arbitrarySnapshot(2), (base, next) => {
    // Through JSON, as over IPC: nothing is shared with the primary's objects.
    const delta = JSON.parse(JSON.stringify(diffSnapshots(base, next)));
    assert.deepEqual(patchSnapshot(JSON.parse(JSON.stringify(base)), delta), next);
  }));
});

test('a delta carries only what changed, and refuses another base', () => {
  const pool = tcpPool('p1', [{ id: 'm1', port: 1 }]);
  const base = snapshotOf(1, [tcpListener('l1', 1, 'p1'), tcpListener('l2', 2, 'p1')], [pool]);
  const next = snapshotOf(2, [tcpListener('l1', 1, 'p1'), tcpListener('l2', 3, 'p1')], [tcpPool('p1', [{ id: 'm1', port: 1 }])]);
  const delta = diffSnapshots(base, next);
  assert.deepEqual(delta.listeners.map((l) => l.id), ['l2']);
  assert.deepEqual(delta.pools, []);
  assert.throws(() => patchSnapshot({ ...base, revision: 5 }, delta), /cannot patch revision 5/);
});
