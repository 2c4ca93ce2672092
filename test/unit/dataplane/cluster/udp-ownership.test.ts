// Each UDP listener has one owner among the live workers; the others run it disabled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignUdpOwners, localSnapshot, sameOwners } from '../../../../src/dataplane/cluster/udp-ownership.js';
import { snapshotOf, tcpListener } from './cluster-fixtures.js';

const snapshot = snapshotOf(1, [
  tcpListener('tcp-1', 1, null),
  ...Array.from({ length: 8 }, (_, i) => tcpListener(`udp-${i}`, 10 + i, null, 'UDP')),
], []);

test('UDP listeners spread over the live slots, move off a dead one, and come back', () => {
  const all = assignUdpOwners(snapshot, 3, new Set([0, 1, 2]));
  assert.deepEqual(Object.keys(all), Array.from({ length: 8 }, (_, i) => `udp-${i}`), 'only UDP listeners have owners');
  assert.ok(new Set(Object.values(all)).size > 1, 'spread over more than one slot');
  const withoutOne = assignUdpOwners(snapshot, 3, new Set([0, 2]));
  for (const [id, owner] of Object.entries(withoutOne)) {
    assert.notEqual(owner, 1);
    if (all[id] !== 1) assert.equal(owner, all[id], `${id} keeps its live owner`);
  }
  assert.ok(sameOwners(assignUdpOwners(snapshot, 3, new Set([0, 1, 2])), all));
  assert.ok(!sameOwners(withoutOne, all));
});

test('a worker runs the UDP listeners it does not own disabled, and everything else as is', () => {
  const owners = assignUdpOwners(snapshot, 2, new Set([0, 1]));
  for (const slot of [0, 1]) {
    const local = localSnapshot(snapshot, owners, slot);
    for (const listener of local.listeners) {
      const expected = listener.transport === 'tcp' || owners[listener.id] === slot;
      assert.equal(listener.enabled, expected, `${listener.id} in slot ${slot}`);
    }
  }
  const tcpOnly = snapshotOf(1, [tcpListener('tcp-1', 1, null)], []);
  assert.equal(localSnapshot(tcpOnly, {}, 1), tcpOnly);
});
