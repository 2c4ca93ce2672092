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
