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

test('without a view to report into it does nothing', () => {
  const runtime = new ClusterRuntime(undefined, () => undefined);
  runtime.applied(makeSnapshot(1, [], []), { revision: 1, listenerErrors: {} });
  runtime.decided({ a: 'ONLINE' });
});
