// One behaviour suite every load-balancing algorithm passes, run through the pool runtime that
// narrows members to candidates (as listeners use it): distribution by weight, unavailable and
// weight-0 members never picked, backups only when no primary is left, exclusion, no member.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LB_ALGORITHMS } from '../../src/model/types.js';
import type { LbAlgorithm } from '../../src/model/types.js';
import type { ClientAddress } from '../../src/dataplane/listener-runtime.js';
import { MemberState } from '../../src/dataplane/health/member-state.js';
import { PoolState } from '../../src/dataplane/pool-state.js';
import type { SnapshotMember } from '../../src/snapshot/snapshot.js';
import { makeMember, makePool } from '../unit/dataplane/support.js';

const HASHED: readonly LbAlgorithm[] = ['SOURCE_IP', 'SOURCE_IP_PORT'];

function poolOf(algorithm: LbAlgorithm, members: SnapshotMember[]): { pool: PoolState; states: MemberState[] } {
  const states = members.map((m) => new MemberState(m.id, m, 'p'));
  return { pool: new PoolState(makePool({ id: 'p', algorithm, members }), states), states };
}

/** The i-th client: hashed algorithms see many distinct clients, the others one that reconnects. */
function clientFor(algorithm: LbAlgorithm, i: number): ClientAddress {
  if (!HASHED.includes(algorithm)) return { address: '192.0.2.1', port: 40000 };
  return { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, port: 1024 + (i % 50000) };
}

/** Picks n times; every picked member keeps the connection (so least-connections sees the load). */
function spread(algorithm: LbAlgorithm, pool: PoolState, n: number, exclude?: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const member = pool.pick(clientFor(algorithm, i), exclude);
    assert.ok(member, 'a member is available');
    member.acquire();
    counts.set(member.id, (counts.get(member.id) ?? 0) + 1);
  }
  return counts;
}

for (const algorithm of LB_ALGORITHMS) {
  describe(`balancer contract: ${algorithm}`, () => {
    test('connections follow the weights', () => {
      const { pool } = poolOf(algorithm, [makeMember({ id: 'a', port: 1, weight: 1 }), makeMember({ id: 'b', port: 2, weight: 3 }), makeMember({ id: 'c', port: 3, weight: 6 })]);
      const n = 20_000;
      const counts = spread(algorithm, pool, n);
      for (const [id, weight] of [['a', 1], ['b', 3], ['c', 6]] as const) {
        const share = (counts.get(id) ?? 0) / n;
        assert.ok(Math.abs(share - weight / 10) < 0.02, `${id}: share ${share}, weight share ${weight / 10}`);
      }
    });

    test('unhealthy, admin-down and weight-0 members are never picked', () => {
      const { pool, states } = poolOf(algorithm, [
        makeMember({ id: 'ok', port: 1 }),
        makeMember({ id: 'down', port: 2 }),
        makeMember({ id: 'zero', port: 3, weight: 0 }),
        makeMember({ id: 'off', port: 4, enabled: false }),
      ]);
      const down = states[1] as MemberState;
      down.monitored = true;
      down.setHealthy(false);
      assert.deepEqual([...spread(algorithm, pool, 500).keys()], ['ok']);
    });

    test('backup members serve only when no primary is available', () => {
      const { pool, states } = poolOf(algorithm, [makeMember({ id: 'primary', port: 1 }), makeMember({ id: 'backup', port: 2, backup: true })]);
      assert.deepEqual([...spread(algorithm, pool, 200).keys()], ['primary']);
      const primary = states[0] as MemberState;
      primary.monitored = true;
      primary.setHealthy(false);
      assert.deepEqual([...spread(algorithm, pool, 200).keys()], ['backup']);
    });

    test('excluded members are skipped', () => {
      const { pool } = poolOf(algorithm, [makeMember({ id: 'a', port: 1 }), makeMember({ id: 'b', port: 2 }), makeMember({ id: 'c', port: 3 })]);
      const counts = spread(algorithm, pool, 600, new Set(['a']));
      assert.equal(counts.has('a'), false);
      assert.ok((counts.get('b') ?? 0) > 0 && (counts.get('c') ?? 0) > 0);
    });

    test('no available member: undefined', () => {
      const client = clientFor(algorithm, 1);
      assert.equal(poolOf(algorithm, []).pool.pick(client), undefined);
      const { pool, states } = poolOf(algorithm, [makeMember({ id: 'a', port: 1 })]);
      assert.equal(pool.pick(client, new Set(['a'])), undefined);
      const only = states[0] as MemberState;
      only.monitored = true;
      only.setHealthy(false);
      assert.equal(pool.pick(client), undefined);
      const disabled = poolOf(algorithm, [makeMember({ id: 'a', port: 1 })]);
      disabled.pool.update(makePool({ id: 'p', algorithm, enabled: false, members: [] }), disabled.states);
      assert.equal(disabled.pool.pick(client), undefined);
    });
  });
}
