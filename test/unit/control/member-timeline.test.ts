// The timeline of member state changes behind the live stream's `member` events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemberTimeline } from '../../../src/control/member-timeline.js';
import { RuntimeView } from '../../../src/snapshot/runtime-view.js';

test('records each change once, in order, with the time it was seen', () => {
  const timeline = new MemberTimeline();
  timeline.record({ memberId: 'a', from: null, to: 'ONLINE' }, new Date('2026-01-01T00:00:00Z'));
  timeline.record({ memberId: 'b', from: null, to: 'NO_MONITOR' }, new Date('2026-01-01T00:00:00Z'));
  timeline.record({ memberId: 'a', from: 'ONLINE', to: 'ERROR' }, new Date('2026-01-01T00:00:02Z'));
  assert.deepEqual(
    timeline.since(0).map((c) => [c.seq, c.member_id, c.from, c.to, c.time]),
    [
      [1, 'a', null, 'ONLINE', '2026-01-01T00:00:00.000Z'],
      [2, 'b', null, 'NO_MONITOR', '2026-01-01T00:00:00.000Z'],
      [3, 'a', 'ONLINE', 'ERROR', '2026-01-01T00:00:02.000Z'],
    ],
  );
  assert.deepEqual(timeline.since(2).map((c) => c.seq), [3]);
  assert.deepEqual(timeline.since(0, new Set(['b'])).map((c) => c.member_id), ['b']);
  assert.equal(timeline.latestSeq, 3);
});

test('fed by the runtime view: first sight, each transition once, a member that leaves and comes back seen anew; the ring keeps the newest', () => {
  const view = new RuntimeView();
  const timeline = new MemberTimeline(3);
  view.onMemberChange((change) => timeline.record(change));
  const engine = view.part('node');
  engine.applied({ revision: 1, listenerErrors: {}, members: { a: 'ONLINE' } });
  engine.applied({ revision: 2, listenerErrors: {}, members: {} });
  engine.applied({ revision: 3, listenerErrors: {}, members: { a: 'ONLINE' } });
  engine.members(3, { a: 'ONLINE' });
  assert.deepEqual(timeline.since(0).map((c) => [c.from, c.to]), [[null, 'ONLINE'], [null, 'ONLINE']]);
  for (const status of ['ERROR', 'ONLINE', 'ERROR']) engine.members(3, { a: status });
  assert.deepEqual(timeline.since(0).map((c) => c.to), ['ERROR', 'ONLINE', 'ERROR']);
});
