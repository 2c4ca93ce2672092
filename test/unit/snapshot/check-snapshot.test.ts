import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSnapshot } from '../../../src/snapshot/check-snapshot.js';
import { makeListener, makeMember, makePool, makeSnapshot } from '../dataplane/support.js';

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
