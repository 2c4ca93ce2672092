// What each algorithm promises beyond the shared contract (test/contract/balancer.contract.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoundRobinBalancer } from '../../../src/dataplane/balancers/round-robin.js';
import { createLeastConnectionsBalancer } from '../../../src/dataplane/balancers/least-connections.js';
import { BALANCERS } from '../../../src/dataplane/balancers/registry.js';
import { MemberState } from '../../../src/dataplane/health/member-state.js';
import { makeMember } from './support.js';

const member = (id: string, weight = 1, active = 0): MemberState => {
  const state = new MemberState(id, makeMember({ id, port: 1, weight }), 'p');
  for (let i = 0; i < active; i++) state.acquire();
  return state;
};
const client = { address: '192.0.2.1', port: 1 };

test('round robin is smooth: weights 5,1,1 interleave as nginx does', () => {
  const balancer = createRoundRobinBalancer();
  const members = [member('a', 5), member('b'), member('c')];
  const order = Array.from({ length: 7 }, () => balancer.pick(members, client).id).join('');
  assert.equal(order, 'aabacaa');
});

test('round robin started at another offset (another worker) begins elsewhere and keeps the proportions', () => {
  const members = [member('a'), member('b'), member('c')];
  const first = (startOffset: number) => createRoundRobinBalancer({ startOffset }).pick(members, client).id;
  assert.deepEqual([0, 1, 2, 3].map(first), ['a', 'b', 'c', 'a']);
  const shifted = createRoundRobinBalancer({ startOffset: 1 });
  const counts = new Map<string, number>();
  for (let i = 0; i < 300; i++) {
    const id = shifted.pick(members, client).id;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  assert.deepEqual([...counts.values()], [100, 100, 100]);
});

test('least connections prefers the idle member, per unit of weight', () => {
  const balancer = createLeastConnectionsBalancer();
  assert.equal(balancer.pick([member('busy', 1, 5), member('idle', 1, 0)], client).id, 'idle');
  // 4 connections on weight 4 is lighter than 2 on weight 1.
  assert.equal(balancer.pick([member('big', 4, 4), member('small', 1, 2)], client).id, 'big');
});

test('least connections breaks ties in turn', () => {
  const balancer = createLeastConnectionsBalancer();
  const members = [member('a'), member('b'), member('c')];
  const picks = new Set(Array.from({ length: 3 }, () => balancer.pick(members, client).id));
  assert.deepEqual([...picks].sort(), ['a', 'b', 'c']);
});

for (const algorithm of ['SOURCE_IP', 'SOURCE_IP_PORT'] as const) {
  test(`${algorithm}: removing a member moves only its clients; adding one takes only its share`, () => {
    const balancer = BALANCERS[algorithm]();
    const five = ['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => member(id));
    const clients = Array.from({ length: 10_000 }, (_, i) => ({ address: `10.0.${i >> 8}.${i & 255}`, port: 2000 + i }));
    const before = clients.map((c) => balancer.pick(five, c).id);
    const four = five.filter((m) => m.id !== 'm3');
    const after = clients.map((c) => balancer.pick(four, c).id);
    clients.forEach((_, i) => {
      if (before[i] !== 'm3') assert.equal(after[i], before[i], 'a client of a remaining member stays');
    });
    const six = [...five, member('m6')];
    const grown = clients.map((c) => balancer.pick(six, c).id);
    let moved = 0;
    clients.forEach((_, i) => {
      if (grown[i] === before[i]) return;
      moved++;
      assert.equal(grown[i], 'm6', 'a client that moves goes to the new member');
    });
    assert.ok(Math.abs(moved / clients.length - 1 / 6) < 0.03, `moved ${moved}`);
  });

  test(`${algorithm}: the same client always lands on the same member`, () => {
    const balancer = BALANCERS[algorithm]();
    const members = ['a', 'b', 'c'].map((id) => member(id));
    const first = balancer.pick(members, client).id;
    for (let i = 0; i < 20; i++) assert.equal(balancer.pick(members, client).id, first);
  });
}

test('SOURCE_IP ignores the client port; SOURCE_IP_PORT does not', () => {
  const members = Array.from({ length: 8 }, (_, i) => member(`m${i}`));
  const byIp = BALANCERS.SOURCE_IP();
  const ports = Array.from({ length: 50 }, (_, i) => ({ address: '192.0.2.9', port: 1000 + i }));
  assert.equal(new Set(ports.map((c) => byIp.pick(members, c).id)).size, 1);
  const byIpPort = BALANCERS.SOURCE_IP_PORT();
  assert.ok(new Set(ports.map((c) => byIpPort.pick(members, c).id)).size > 1);
});
