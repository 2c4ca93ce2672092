// Member live state across re-applies, SOURCE_IP persistence, and the pool runtime around them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemberTable } from '../../../src/dataplane/health/member-table.js';
import { MemberState } from '../../../src/dataplane/health/member-state.js';
import { PoolState } from '../../../src/dataplane/pool-state.js';
import { SourceIpPersistence } from '../../../src/dataplane/sessions/source-ip-persistence.js';
import { eventually, makeMember, makePool } from './support.js';

test('member health survives an unrelated re-apply and resets when the member moves', () => {
  const table = new MemberTable();
  const member = makeMember({ id: 'm', port: 1000 });
  table.sync([makePool({ id: 'p', members: [member] })], 100);
  const state = table.get('m');
  assert.ok(state);
  state.monitored = true;
  state.setHealthy(false);
  table.sync([makePool({ id: 'p', members: [{ ...member, weight: 5, name: 'renamed' }] })], 100);
  assert.equal(table.get('m'), state);
  assert.equal(state.operatingStatus, 'ERROR');
  assert.equal(state.config.weight, 5);
  table.sync([makePool({ id: 'p', members: [{ ...member, port: 2000, monitorPort: 2000 }] })], 100);
  assert.equal(state.operatingStatus, 'ONLINE');
});

test('operating status: OFFLINE when admin down, NO_MONITOR unmonitored, DRAINING at weight 0', () => {
  const state = new MemberState('m', makeMember({ id: 'm', port: 1 }), 'p');
  assert.equal(state.operatingStatus, 'NO_MONITOR');
  state.monitored = true;
  assert.equal(state.operatingStatus, 'ONLINE');
  state.config = makeMember({ id: 'm', port: 1, weight: 0 });
  assert.equal(state.operatingStatus, 'DRAINING');
  assert.equal(state.available, false);
  state.config = makeMember({ id: 'm', port: 1, enabled: false });
  assert.equal(state.operatingStatus, 'OFFLINE');
});

test('rise and fall: the first probe decides, then it takes rise/fall results in a row', () => {
  const state = new MemberState('m', makeMember({ id: 'm', port: 1 }), 'p');
  state.monitored = true;
  assert.equal(state.recordProbe(false, 2, 3), true);
  assert.equal(state.healthy, false);
  assert.equal(state.recordProbe(true, 2, 3), false);
  assert.equal(state.recordProbe(false, 2, 3), false);
  assert.equal(state.recordProbe(true, 2, 3), false);
  assert.equal(state.recordProbe(true, 2, 3), true);
  assert.equal(state.healthy, true);
  assert.equal(state.recordProbe(false, 2, 3), false);
  assert.equal(state.recordProbe(false, 2, 3), false);
  assert.equal(state.recordProbe(false, 2, 3), true);
  assert.equal(state.healthy, false);
});

test('a removed member with open connections drains, then its connections are destroyed', async () => {
  const table = new MemberTable();
  table.sync([makePool({ id: 'p', members: [makeMember({ id: 'm', port: 1 }), makeMember({ id: 'idle', port: 2 })] })], 50);
  const state = table.get('m');
  assert.ok(state);
  state.acquire();
  let destroyed = false;
  state.onRetired(() => {
    destroyed = true;
    state.release();
  });
  table.sync([makePool({ id: 'p', members: [] })], 50);
  assert.equal(state.available, false);
  assert.deepEqual(table.statuses(), { m: 'DRAINING' });
  await eventually('drain bound expired', () => destroyed);
  assert.deepEqual(table.statuses(), {});
});

test('SOURCE_IP persistence keeps a client on its member until the binding expires; the table is bounded', () => {
  const table = new SourceIpPersistence(1000, 2);
  table.remember('a', 'm1', 0);
  assert.equal(table.lookup('a', 999), 'm1');
  assert.equal(table.lookup('a', 1000), undefined);
  table.remember('a', 'm1', 0);
  table.remember('b', 'm2', 0);
  table.lookup('a', 1);
  table.remember('a', 'm1', 1);
  table.remember('c', 'm3', 2);
  assert.equal(table.size, 2);
  assert.equal(table.lookup('b', 3), undefined, 'the least recently used client was evicted');
});

test('a pool with SOURCE_IP persistence sends a client back to its member, unless it went down', () => {
  const members = ['a', 'b', 'c'].map((id) => makeMember({ id, port: 1 }));
  const states = members.map((m) => new MemberState(m.id, m, 'p'));
  const pool = new PoolState(makePool({ id: 'p', members, sessionPersistence: { type: 'SOURCE_IP', cookieName: null, timeoutSeconds: 60, granularity: null } }), states);
  const first = pool.pick({ address: '192.0.2.7', port: 1 });
  assert.ok(first);
  for (let port = 2; port < 20; port++) assert.equal(pool.pick({ address: '192.0.2.7', port }), first);
  const state = states.find((s) => s.id === first.id) as MemberState;
  state.monitored = true;
  state.setHealthy(false);
  const moved = pool.pick({ address: '192.0.2.7', port: 30 });
  assert.notEqual(moved, first);
  assert.equal(pool.pick({ address: '192.0.2.7', port: 31 }), moved);
  assert.equal(pool.availableMember(first.id), undefined);
  assert.equal(pool.availableMember(moved?.id ?? ''), moved);
});
