// The primary's report into the runtime view: member statuses from the snapshot it sent and the
// probing worker's verdicts, listener errors from the workers' merged apply reports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterRuntime } from '../../../../src/dataplane/cluster/cluster-runtime.js';
import { RuntimeView } from '../../../../src/snapshot/runtime-view.js';
import { makeMember, makeMonitor, makePool, makeSnapshot } from '../support.js';

test('applies carry every member status; verdicts follow as the prober decides them', () => {
  const view = new RuntimeView();
  const verdicts: Record<string, string> = {};
  const runtime = new ClusterRuntime(view.part('node'), (id) => verdicts[id]);
  const monitored = makePool({ id: 'p', members: [makeMember({ id: 'a', port: 9 }), makeMember({ id: 'b', port: 9 }), makeMember({ id: 'off', port: 9, enabled: false })], healthMonitor: makeMonitor() });
  const plain = makePool({ id: 'q', members: [makeMember({ id: 'c', port: 9 })] });
  // A verdict on a member of a snapshot still being applied waits for the apply's report.
  verdicts.b = 'ERROR';
  runtime.decided({ b: 'ERROR' });
  assert.equal(view.memberStatus('b'), undefined);
  runtime.applied(makeSnapshot(4, [], [monitored, plain]), { revision: 4, listenerErrors: { l: 'EADDRINUSE' } });
  assert.deepEqual(['a', 'b', 'off', 'c'].map((id) => view.memberStatus(id)), ['ONLINE', 'ERROR', 'OFFLINE', 'NO_MONITOR']);
  assert.equal(view.listenerError('l'), 'EADDRINUSE');
  verdicts.a = 'ERROR';
  runtime.decided({ a: 'ERROR' });
  assert.equal(view.memberStatus('a'), 'ERROR');
});

test('a member that moved is up again until the prober decides on its new address, as the prober forgets its health', () => {
  const view = new RuntimeView();
  const verdicts: Record<string, string> = {};
  const runtime = new ClusterRuntime(view.part('node'), (id) => verdicts[id]);
  const pool = (port: number) => makePool({ id: 'p', members: [makeMember({ id: 'a', port }), makeMember({ id: 'b', port: 9 })], healthMonitor: makeMonitor() });
  runtime.applied(makeSnapshot(1, [], [pool(9)]), { revision: 1, listenerErrors: {} });
  verdicts.a = 'ERROR';
  verdicts.b = 'ERROR';
  runtime.decided({ a: 'ERROR', b: 'ERROR' });
  assert.deepEqual([view.memberStatus('a'), view.memberStatus('b')], ['ERROR', 'ERROR']);
  runtime.applied(makeSnapshot(2, [], [pool(10)]), { revision: 2, listenerErrors: {} });
  assert.deepEqual([view.memberStatus('a'), view.memberStatus('b')], ['ONLINE', 'ERROR'], 'a moved (port 9 -> 10): its old verdict is not its own');
  runtime.decided({ a: 'ERROR' });
  assert.equal(view.memberStatus('a'), 'ERROR', 'the verdict on its new address');
});

test('applies report incrementally: unchanged pools (the same objects) keep their statuses, removed members and pools go', () => {
  const view = new RuntimeView();
  const verdicts: Record<string, string> = {};
  const runtime = new ClusterRuntime(view.part('node'), (id) => verdicts[id]);
  const a = makeMember({ id: 'a', port: 9 });
  const b = makeMember({ id: 'b', port: 9 });
  const watched = makePool({ id: 'p', members: [a, b], healthMonitor: makeMonitor() });
  const plain = makePool({ id: 'q', members: [makeMember({ id: 'c', port: 9 })] });
  const gone = makePool({ id: 'r', members: [makeMember({ id: 'e', port: 9 })] });
  runtime.applied(makeSnapshot(1, [], [watched, plain, gone]), { revision: 1, listenerErrors: {} });
  verdicts.a = 'ERROR';
  runtime.decided({ a: 'ERROR' });
  // Pool p changes (b removed, d added, a kept as the same object), q is the same object, r is gone.
  const changed = makePool({ id: 'p', members: [a, makeMember({ id: 'd', port: 9, enabled: false })], healthMonitor: makeMonitor() });
  runtime.applied(makeSnapshot(2, [], [changed, plain]), { revision: 2, listenerErrors: {} });
  assert.deepEqual(['a', 'b', 'c', 'd', 'e'].map((id) => view.memberStatus(id)), ['ERROR', undefined, 'NO_MONITOR', 'OFFLINE', undefined]);
  // The same snapshot again (a worker came or went): nothing changes.
  runtime.applied(makeSnapshot(2, [], [changed, plain]), { revision: 2, listenerErrors: {} });
  assert.deepEqual(['a', 'c', 'd'].map((id) => view.memberStatus(id)), ['ERROR', 'NO_MONITOR', 'OFFLINE']);
  // A monitor added to q: its member's status is looked at again.
  runtime.applied(makeSnapshot(3, [], [changed, { ...plain, healthMonitor: makeMonitor() }]), { revision: 3, listenerErrors: {} });
  assert.equal(view.memberStatus('c'), 'ONLINE');
});

test('without a view to report into it does nothing', () => {
  const runtime = new ClusterRuntime(undefined, () => undefined);
  runtime.applied(makeSnapshot(1, [], []), { revision: 1, listenerErrors: {} });
  runtime.decided({ a: 'ONLINE' });
});
