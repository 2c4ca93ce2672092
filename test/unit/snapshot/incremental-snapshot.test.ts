// The incremental path equals the full one: after any sequence of changes, the configuration
// mirror equals store.readAll() and the incrementally built snapshot equals buildSnapshot of it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RESOURCE_KINDS } from '../../../src/model/types.js';
import type { ResourceKind } from '../../../src/model/types.js';
import { buildSnapshot } from '../../../src/snapshot/build-snapshot.js';
import { IncrementalSnapshotBuilder } from '../../../src/snapshot/incremental-snapshot.js';
import { ConfigMirror } from '../../../src/store/config-mirror.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { StoreTx } from '../../../src/store/store.js';
import { certificate, flavor, flavorProfile, healthMonitor, ipGroup, l7Policy, l7Rule, listener, loadBalancer, member, pool } from '../../contract/resource-fixtures.js';
import { defined } from '../../helpers/defined.js';

const OPS = ['lb', 'listener', 'pool', 'member', 'monitor', 'policy', 'rule', 'certificate', 'ipgroup', 'flavor', 'toggle', 'rename', 'repoint', 'remove'] as const;
type Op = { op: (typeof OPS)[number]; a: number; b: number; flag: boolean };

const opArbitrary = fc.record({ op: fc.constantFrom(...OPS), a: fc.nat(50), b: fc.nat(50), flag: fc.boolean() });

/** One transaction's worth of changes: a few ops; `sync` says whether to compare after it. */
const stepArbitrary = fc.record({ ops: fc.array(opArbitrary, { minLength: 1, maxLength: 3 }), sync: fc.boolean() });

let counter = 0;

async function pick(tx: StoreTx, kind: ResourceKind, index: number): Promise<{ id: string } | undefined> {
  const all = await tx.list(kind);
  return all.length === 0 ? undefined : all[index % all.length];
}

async function run(tx: StoreTx, { op, a, b, flag }: Op): Promise<void> {
  counter += 1;
  const n = counter;
  switch (op) {
    case 'lb':
      return tx.insert('loadbalancer', loadBalancer({ vip_address: `127.0.${1 + (n % 200)}.${1 + (n % 250)}`, admin_state_up: flag || n % 3 !== 0 }));
    case 'listener': {
      const lb = await pick(tx, 'loadbalancer', a);
      if (!lb) return;
      const defaultPool = flag ? await pick(tx, 'pool', b) : undefined;
      const cert = n % 4 === 0 ? await pick(tx, 'certificate', b) : undefined;
      const group = n % 5 === 0 ? await pick(tx, 'ipgroup', b) : undefined;
      return tx.insert('listener', listener(lb.id, {
        protocol: cert ? 'TERMINATED_HTTPS' : n % 2 === 0 ? 'TCP' : 'HTTP',
        protocol_port: 1000 + n,
        default_pool_id: defaultPool?.id ?? null,
        default_tls_container_ref: cert?.id ?? null,
        ipgroup: group ? { ipgroup_id: group.id, enable_ipgroup: true, type: 'white' } : null,
      }));
    }
    case 'pool': {
      const lb = await pick(tx, 'loadbalancer', a);
      return lb ? tx.insert('pool', pool(lb.id, { admin_state_up: flag || n % 4 !== 0 })) : undefined;
    }
    case 'member': {
      const p = await pick(tx, 'pool', a);
      return p ? tx.insert('member', member(p.id, { protocol_port: 2000 + n, admin_state_up: flag || n % 3 !== 0 })) : undefined;
    }
    case 'monitor': {
      const p = await pick(tx, 'pool', a);
      return p ? tx.insert('healthmonitor', healthMonitor(p.id, { admin_state_up: flag })) : undefined;
    }
    case 'policy': {
      const l = await pick(tx, 'listener', a);
      if (!l) return;
      const redirectPool = flag ? await pick(tx, 'pool', b) : undefined;
      const redirectListener = !flag ? await pick(tx, 'listener', b) : undefined;
      return tx.insert('l7policy', l7Policy(l.id, {
        position: 1 + (b % 3),
        action: redirectPool ? 'REDIRECT_TO_POOL' : redirectListener ? 'REDIRECT_TO_LISTENER' : 'REJECT',
        redirect_pool_id: redirectPool?.id ?? null,
        redirect_listener_id: redirectListener?.id ?? null,
        admin_state_up: n % 4 !== 0,
      }));
    }
    case 'rule': {
      const policy = await pick(tx, 'l7policy', a);
      return policy ? tx.insert('l7rule', l7Rule(policy.id, { admin_state_up: flag, value: `/p${n}` })) : undefined;
    }
    case 'certificate':
      return tx.insert('certificate', certificate({ subject: `CN=host${n}.example`, private_key: flag ? `KEY ${n}` : null }));
    case 'ipgroup':
      return tx.insert('ipgroup', ipGroup({ ip_list: [{ ip: `10.${n % 250}.0.0/16`, description: '' }] }));
    case 'flavor': {
      // A flavor with listener defaults, given to a load balancer (the store lets it change; the API does not).
      const profile = flavorProfile({ flavor_data: JSON.stringify({ connection_limit: n, timeout_client_data: 1000 + n }) });
      const made = flavor(profile.id, { name: `flavor ${n}` });
      await tx.insert('flavorprofile', profile);
      await tx.insert('flavor', made);
      const lb = (await pick(tx, 'loadbalancer', a)) as Record<string, unknown> | undefined;
      return lb ? tx.update('loadbalancer', { ...lb, flavor_id: made.id } as never) : undefined;
    }
    case 'toggle':
    case 'rename': {
      const kind = defined(RESOURCE_KINDS[a % RESOURCE_KINDS.length]);
      const found = (await pick(tx, kind, b)) as Record<string, unknown> | undefined;
      if (!found) return;
      const changed = { ...found };
      if (op === 'toggle' && 'admin_state_up' in changed) changed.admin_state_up = !changed.admin_state_up;
      if (op === 'rename') changed.name = `renamed ${n}`;
      if (op === 'rename' && kind === 'ipgroup') changed.ip_list = [{ ip: `192.0.2.${n % 250}`, description: '' }];
      if (op === 'rename' && kind === 'loadbalancer') changed.vip_address = `127.1.${n % 250}.${1 + (n % 200)}`;
      return tx.update(kind, changed as never);
    }
    case 'repoint': {
      const l = (await pick(tx, 'listener', a)) as Record<string, unknown> | undefined;
      const p = flag ? await pick(tx, 'pool', b) : undefined;
      return l ? tx.update('listener', { ...l, default_pool_id: p?.id ?? null } as never) : undefined;
    }
    case 'remove': {
      const kind = defined(RESOURCE_KINDS[a % RESOURCE_KINDS.length]);
      const found = await pick(tx, kind, b);
      return found ? tx.remove(kind, found.id) : undefined;
    }
  }
}

test('after any sequence of changes, the mirror equals readAll() and the incremental snapshot equals a full build', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 25 }), async (steps) => {
      const store = await openSqliteStore({ path: ':memory:' });
      try {
        const mirror = new ConfigMirror(store);
        const builder = new IncrementalSnapshotBuilder(mirror);
        await mirror.sync();
        builder.build();
        for (const [i, step] of [...steps, { ops: [], sync: true }].entries()) {
          if (step.ops.length > 0) {
            await store.transaction(async (tx) => {
              for (const op of step.ops) await run(tx, op);
            });
          }
          if (!step.sync) continue;
          await mirror.sync();
          const contents = await store.readAll();
          assert.deepStrictEqual(mirror.contents(), contents, `mirror after step ${i}`);
          const incremental = builder.build();
          const full = buildSnapshot(contents);
          assert.deepStrictEqual(incremental, full, `snapshot after step ${i}`);
        }
      } finally {
        await store.close();
      }
    }),
    { numRuns: 60 },
  );
});

test('a mirror whose change log is gone reads everything again and still matches', async (t) => {
  const store = await openSqliteStore({ path: ':memory:' });
  t.after(() => store.close());
  const lb = loadBalancer();
  await store.transaction((tx) => tx.insert('loadbalancer', lb));
  const mirror = new ConfigMirror(store);
  const builder = new IncrementalSnapshotBuilder(mirror);
  await mirror.sync();
  builder.build();
  const l = listener(lb.id, { protocol: 'TCP', protocol_port: 81 });
  await store.transaction((tx) => tx.insert('listener', l));
  // As if the log had been trimmed past the mirror's revision.
  const reads: (number | null)[] = [];
  const forgetful = {
    readChanges: async (since: number | null) => {
      reads.push(since);
      return store.readChanges(null);
    },
  };
  const fresh = new ConfigMirror(forgetful);
  const freshBuilder = new IncrementalSnapshotBuilder(fresh);
  await fresh.sync();
  await fresh.sync();
  assert.deepStrictEqual(reads, [null, 2]);
  assert.deepStrictEqual(freshBuilder.build(), buildSnapshot(await store.readAll()));
  await mirror.sync();
  assert.deepStrictEqual(builder.build(), buildSnapshot(await store.readAll()));
});

test('a failed read leaves the mirror as it was; the next sync catches up', async (t) => {
  const store = await openSqliteStore({ path: ':memory:' });
  t.after(() => store.close());
  let failing = false;
  const flaky = {
    readChanges: (since: number | null) => (failing ? Promise.reject(new Error('disk on fire')) : store.readChanges(since)),
  };
  const mirror = new ConfigMirror(flaky);
  await store.transaction((tx) => tx.insert('loadbalancer', loadBalancer()));
  await mirror.sync();
  failing = true;
  await store.transaction((tx) => tx.insert('loadbalancer', loadBalancer({ vip_address: '127.0.0.99' })));
  await assert.rejects(mirror.sync(), /disk on fire/);
  assert.equal(mirror.revision, 1);
  assert.equal(mirror.list('loadbalancer').length, 1);
  failing = false;
  await mirror.sync();
  assert.deepStrictEqual(mirror.contents(), await store.readAll());
});

test('one listener changed: only its part is new, every other part is the very same object', async (t) => {
  const store = await openSqliteStore({ path: ':memory:' });
  t.after(() => store.close());
  const lb = loadBalancer();
  const p = pool(lb.id);
  const listeners = [80, 81, 82].map((port) => listener(lb.id, { protocol: 'TCP', protocol_port: port, default_pool_id: p.id }));
  await store.transaction(async (tx) => {
    await tx.insert('loadbalancer', lb);
    await tx.insert('pool', p);
    for (const l of listeners) await tx.insert('listener', l);
  });
  const mirror = new ConfigMirror(store);
  const builder = new IncrementalSnapshotBuilder(mirror);
  await mirror.sync();
  const first = builder.build();
  await store.transaction((tx) => tx.update('listener', { ...defined(listeners[1]), connection_limit: 5 }));
  await mirror.sync();
  const second = builder.build();
  assert.equal(second.listeners[0], first.listeners[0]);
  assert.notEqual(second.listeners[1], first.listeners[1]);
  assert.equal(second.listeners[1]?.connectionLimit, 5);
  assert.equal(second.listeners[2], first.listeners[2]);
  assert.equal(second.pools[p.id], first.pools[p.id]);
  await store.transaction((tx) => tx.insert('member', member(p.id)));
  await mirror.sync();
  const third = builder.build();
  assert.notEqual(third.pools[p.id], second.pools[p.id]);
  assert.deepStrictEqual(third.listeners, second.listeners);
  assert.ok(third.listeners.every((l, i) => l === second.listeners[i]), 'a member changes its pool, not the listeners');
});

test("failover: a load balancer's listeners and pools are built afresh, every other part stays the same object", async (t) => {
  const store = await openSqliteStore({ path: ':memory:' });
  t.after(() => store.close());
  const [a, b] = [loadBalancer(), loadBalancer({ vip_address: '127.0.0.98' })];
  const [pa, pb] = [pool(a.id), pool(b.id)];
  const [la, lb] = [listener(a.id, { protocol: 'TCP', protocol_port: 80, default_pool_id: pa.id }), listener(b.id, { protocol: 'TCP', protocol_port: 80, default_pool_id: pb.id })];
  await store.transaction(async (tx) => {
    for (const [kind, resource] of [['loadbalancer', a], ['loadbalancer', b], ['pool', pa], ['pool', pb], ['listener', la], ['listener', lb]] as const) await tx.insert(kind, resource as never);
  });
  const mirror = new ConfigMirror(store);
  const builder = new IncrementalSnapshotBuilder(mirror);
  await mirror.sync();
  const before = builder.build();
  builder.rebuildLoadBalancer(a.id);
  const after = builder.build();
  assert.deepStrictEqual(after, before, 'the same configuration');
  const part = (snapshot: typeof before, id: string) => snapshot.listeners.find((l) => l.id === id);
  assert.notEqual(part(after, la.id), part(before, la.id), "a's listener is a new object");
  assert.notEqual(after.pools[pa.id], before.pools[pa.id], "a's pool is a new object");
  assert.equal(part(after, lb.id), part(before, lb.id), "b's listener is untouched");
  assert.equal(after.pools[pb.id], before.pools[pb.id], "b's pool is untouched");
});
