// The runtime view engines report into and the API reads: revisions decide what is newer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuntimeView, type MemberChange } from '../../../src/snapshot/runtime-view.js';

test('an apply sets the revision, the listener errors and every member status; an older one is ignored', () => {
  const view = new RuntimeView();
  const engine = view.part('node');
  assert.equal(view.revision, 0);
  engine.applied({ revision: 3, listenerErrors: { l1: 'EADDRINUSE' }, members: { a: 'ONLINE', b: 'NO_MONITOR' } });
  engine.applied({ revision: 2, listenerErrors: {}, members: { a: 'ERROR' } });
  assert.equal(view.revision, 3);
  assert.equal(view.listenerError('l1'), 'EADDRINUSE');
  assert.deepEqual(view.listenerErrors(), { l1: 'EADDRINUSE' });
  assert.equal(view.memberStatus('a'), 'ONLINE');
  engine.applied({ revision: 4, listenerErrors: {}, members: { a: 'ONLINE' } });
  assert.equal(view.listenerError('l1'), undefined);
  assert.equal(view.memberStatus('b'), undefined, 'a member the newer revision does not run is gone');
});

test('the same revision applied again (a failover) replaces what it said', () => {
  const view = new RuntimeView();
  const engine = view.part('node');
  engine.applied({ revision: 5, listenerErrors: { l1: 'EADDRINUSE' }, members: {} });
  engine.applied({ revision: 5, listenerErrors: {}, members: {} });
  assert.equal(view.listenerError('l1'), undefined);
});

test('an incremental apply (removedMembers set) changes the members it names and drops the removed; the others stay', () => {
  const view = new RuntimeView();
  const engine = view.part('node');
  engine.applied({ revision: 1, listenerErrors: {}, members: { a: 'ONLINE', b: 'ERROR', c: 'ONLINE' } });
  engine.applied({ revision: 2, listenerErrors: { l1: 'EADDRINUSE' }, members: { c: 'OFFLINE', d: 'NO_MONITOR' }, removedMembers: ['a'] });
  assert.deepEqual(['a', 'b', 'c', 'd'].map((id) => view.memberStatus(id)), [undefined, 'ERROR', 'OFFLINE', 'NO_MONITOR']);
  assert.equal(view.listenerError('l1'), 'EADDRINUSE', 'listener errors are always whole');
  engine.applied({ revision: 1, listenerErrors: {}, members: {}, removedMembers: ['b'] });
  assert.equal(view.memberStatus('b'), 'ERROR', 'an older incremental apply is ignored too');
});

test('a status reading of an older revision changes nothing that an apply reported after it', () => {
  const view = new RuntimeView();
  const engine = view.part('haproxy');
  engine.applied({ revision: 7, listenerErrors: { l1: 'cannot bind' }, members: { a: 'ONLINE' } });
  // A reading taken while revision 6 ran, arriving after the apply of 7.
  engine.members(6, { a: 'ERROR' }, true);
  assert.equal(view.memberStatus('a'), 'ONLINE');
  assert.equal(view.listenerError('l1'), 'cannot bind');
  engine.members(7, { a: 'ERROR' }, true);
  assert.equal(view.memberStatus('a'), 'ERROR');
  assert.equal(view.listenerError('l1'), 'cannot bind', 'member readings never touch listener errors');
});

test('member transitions: partial updates keep the others, complete ones drop the missing; watchers see each change once', () => {
  const view = new RuntimeView();
  const engine = view.part('node');
  const seen: MemberChange[] = [];
  const stop = view.onMemberChange((change) => seen.push(change));
  engine.applied({ revision: 1, listenerErrors: {}, members: { a: 'ONLINE', b: 'ONLINE' } });
  engine.members(1, { b: 'ERROR' });
  engine.members(1, { b: 'ERROR' });
  assert.deepEqual([view.memberStatus('a'), view.memberStatus('b')], ['ONLINE', 'ERROR']);
  engine.members(1, { b: 'ONLINE' }, true);
  assert.equal(view.memberStatus('a'), undefined);
  stop();
  engine.members(1, { b: 'ERROR' });
  assert.deepEqual(seen, [
    { memberId: 'a', from: null, to: 'ONLINE' },
    { memberId: 'b', from: null, to: 'ONLINE' },
    { memberId: 'b', from: 'ONLINE', to: 'ERROR' },
    { memberId: 'b', from: 'ERROR', to: 'ONLINE' },
  ]);
});

test('two engines (the haproxy engine and its UDP half) feed one view: errors and members merged, the older revision shown', () => {
  const view = new RuntimeView();
  const udp = view.part('udp');
  const haproxy = view.part('haproxy');
  udp.applied({ revision: 9, listenerErrors: { u: 'EADDRINUSE' }, members: { m1: 'ONLINE' } });
  assert.equal(view.revision, 0, 'the haproxy half has applied nothing yet');
  haproxy.applied({ revision: 8, listenerErrors: { t: 'cannot bind' }, members: { m2: 'ERROR' } });
  assert.equal(view.revision, 8);
  assert.deepEqual(view.listenerErrors(), { u: 'EADDRINUSE', t: 'cannot bind' });
  assert.deepEqual([view.memberStatus('m1'), view.memberStatus('m2')], ['ONLINE', 'ERROR']);
  assert.deepEqual(view.memberStatuses(), { m1: 'ONLINE', m2: 'ERROR' });
  // A member both parts know (it should not happen: each pool is in one half) is as memberStatus() has it.
  haproxy.members(8, { m1: 'ERROR' });
  assert.equal(view.memberStatuses().m1, view.memberStatus('m1'));
  haproxy.members(8, { m2: 'ERROR' }, true);
  // One half's complete reading does not drop the other half's members.
  haproxy.members(8, {}, true);
  assert.equal(view.memberStatus('m1'), 'ONLINE');
  assert.equal(view.memberStatus('m2'), undefined);
});
