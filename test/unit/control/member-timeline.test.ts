// The timeline of member state changes behind the live stream's `member` events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemberTimeline, sampleMemberStates } from '../../../src/control/member-timeline.js';
import type { LiveStatus } from '../../../src/snapshot/snapshot.js';

test('records first sight and each change once, in order, with the time it was seen', () => {
  const timeline = new MemberTimeline();
  timeline.observe({ a: 'ONLINE', b: 'NO_MONITOR' }, new Date('2026-01-01T00:00:00Z'));
  timeline.observe({ a: 'ONLINE', b: 'NO_MONITOR' }, new Date('2026-01-01T00:00:01Z'));
  timeline.observe({ a: 'ERROR', b: 'NO_MONITOR' }, new Date('2026-01-01T00:00:02Z'));
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

test('a member that leaves and comes back is seen anew; the ring keeps only the newest changes', () => {
  const timeline = new MemberTimeline(3);
  timeline.observe({ a: 'ONLINE' });
  timeline.observe({});
  timeline.observe({ a: 'ONLINE' });
  assert.deepEqual(timeline.since(0).map((c) => [c.from, c.to]), [[null, 'ONLINE'], [null, 'ONLINE']]);
  for (const status of ['ERROR', 'ONLINE', 'ERROR']) timeline.observe({ a: status });
  assert.deepEqual(timeline.since(0).map((c) => c.to), ['ERROR', 'ONLINE', 'ERROR']);
});

test('sampling reads the live state into the timeline until stopped, and survives a failed read', async () => {
  const timeline = new MemberTimeline();
  let reads = 0;
  const read = async (): Promise<LiveStatus> => {
    reads++;
    if (reads === 2) throw new Error('worker gone');
    return { revision: 1, members: { a: reads < 3 ? 'ONLINE' : 'ERROR' }, listeners: {}, listenerErrors: {} };
  };
  const stop = sampleMemberStates(read, timeline, 10);
  while (reads < 4) await new Promise((resolve) => setTimeout(resolve, 5));
  stop();
  const seen = reads;
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(reads, seen);
  assert.deepEqual(timeline.since(0).map((c) => c.to), ['ONLINE', 'ERROR']);
});
