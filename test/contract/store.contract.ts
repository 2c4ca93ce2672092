// The one behaviour suite every Store implementation passes (store.ts). Each test gets fresh,
// empty storage; `open` may be called again on it to check what survives close().

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { ElbowError } from '../../src/errors.js';
import { RESOURCE_KINDS } from '../../src/model/types.js';
import type { Listener } from '../../src/model/types.js';
import { isDown, NodeNameTaken, type NodeReport } from '../../src/store/node-registry.js';
import { UniqueViolation } from '../../src/store/store.js';
import type { Store, UniqueIndex } from '../../src/store/store.js';
import { certificate, listener, loadBalancer, member, oneOfEach, pool } from './resource-fixtures.js';
import { defined } from '../helpers/defined.js';

export interface StorageUnderTest {
  /** Opens a store on this storage; called again after close() to check durability. */
  open(): Promise<Store>;
  /** Removes the storage (temp directory, schema) once every store on it is closed. */
  destroy(): Promise<void>;
}

async function openFresh(t: TestContext, createStorage: () => Promise<StorageUnderTest>): Promise<{ store: Store; storage: StorageUnderTest; opened: Store[] }> {
  const storage = await createStorage();
  const opened: Store[] = [];
  const store = await storage.open();
  opened.push(store);
  t.after(async () => {
    for (const each of opened) await each.close();
    await storage.destroy();
  });
  return { store, storage, opened };
}

function isUniqueViolation(index: UniqueIndex): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof UniqueViolation, `expected UniqueViolation, got ${String(error)}`);
    assert.equal(error.index, index);
    return true;
  };
}

function isElbowError(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof ElbowError, `expected ElbowError ${code}, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

/** An ISO timestamp `seconds` after a fixed instant, to control creation order. */
function at(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();
}

export function runStoreContract(name: string, createStorage: () => Promise<StorageUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    test('every kind round-trips the exact object through insert, get, list, update and remove', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const resources = oneOfEach();
      await store.transaction(async (tx) => {
        for (const kind of RESOURCE_KINDS) await tx.insert(kind, resources[kind]);
      });
      for (const kind of RESOURCE_KINDS) {
        assert.deepStrictEqual(await store.get(kind, resources[kind].id), resources[kind], kind);
        assert.deepStrictEqual(await store.list(kind), [resources[kind]], kind);
      }
      const renamed = { ...resources.certificate, name: 'renamed', updated_at: at(5), subject_alt_names: [] };
      await store.transaction((tx) => tx.update('certificate', renamed));
      assert.deepStrictEqual(await store.get('certificate', renamed.id), renamed);
      await store.transaction(async (tx) => {
        for (const kind of RESOURCE_KINDS) await tx.remove(kind, resources[kind].id);
      });
      for (const kind of RESOURCE_KINDS) assert.equal(await store.get(kind, resources[kind].id), undefined, kind);
    });

    test('reads inside a transaction see its own writes', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const lb = loadBalancer();
      const { value } = await store.transaction(async (tx) => {
        await tx.insert('loadbalancer', lb);
        return { got: await tx.get('loadbalancer', lb.id), listed: await tx.list('loadbalancer') };
      });
      assert.deepStrictEqual(value, { got: lb, listed: [lb] });
    });

    test('update of a missing resource is NOT_FOUND and removing a missing one writes nothing', async (t) => {
      const { store } = await openFresh(t, createStorage);
      await assert.rejects(store.transaction((tx) => tx.update('loadbalancer', loadBalancer())), isElbowError('NOT_FOUND'));
      const { revision } = await store.transaction((tx) => tx.remove('pool', 'no-such-id'));
      assert.equal(revision, 0);
    });

    test('list filters on scalar fields, orders by creation then insertion, and pages with limit and marker', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const a = loadBalancer({ name: 'a', created_at: at(2), admin_state_up: false });
      const b = loadBalancer({ name: 'b', created_at: at(1), flavor_id: 'small' });
      const c = loadBalancer({ name: 'c', created_at: at(2) }); // same instant as a, inserted after it
      const d = loadBalancer({ name: 'd', created_at: at(3), project_id: 'other' });
      await store.transaction(async (tx) => {
        for (const lb of [a, b, c, d]) await tx.insert('loadbalancer', lb);
      });
      const names = async (query: Parameters<Store['list']>[1]) => (await store.list('loadbalancer', query)).map((lb) => lb.name);
      assert.deepStrictEqual(await names({}), ['b', 'a', 'c', 'd']);
      assert.deepStrictEqual(await names({ filters: { project_id: 'project-1' } }), ['b', 'a', 'c']);
      assert.deepStrictEqual(await names({ filters: { admin_state_up: false } }), ['a']);
      assert.deepStrictEqual(await names({ filters: { admin_state_up: true, project_id: 'project-1' } }), ['b', 'c']);
      assert.deepStrictEqual(await names({ filters: { flavor_id: null } }), ['a', 'c', 'd']);
      assert.deepStrictEqual(await names({ filters: { name: 'nobody' } }), []);
      assert.deepStrictEqual(await names({ limit: 2 }), ['b', 'a']);
      assert.deepStrictEqual(await names({ limit: 2, marker: a.id }), ['c', 'd']);
      assert.deepStrictEqual(await names({ marker: d.id }), []);
      assert.deepStrictEqual(await names({ limit: 0 }), []);
      const members = [member('p1', { protocol_port: 80 }), member('p1', { protocol_port: 81, address: '127.0.0.21' }), member('p2')];
      await store.transaction(async (tx) => {
        for (const m of members) await tx.insert('member', m);
      });
      assert.deepStrictEqual((await store.list('member', { filters: { pool_id: 'p1', protocol_port: 81 } })).map((m) => m.id), [defined(members[1]).id]);
      assert.deepStrictEqual(await store.list('member', { filters: { protocol_port: '81' } }), [], 'a string never equals a number');
      await assert.rejects(store.list('loadbalancer', { marker: 'no-such-id' }), isElbowError('INVALID_QUERY'));
      await assert.rejects(store.list('loadbalancer', { filters: { "name') OR 1=1 --": 'x' } }), isElbowError('INVALID_QUERY'));
    });

    test('the revision grows by exactly one per writing transaction and not for read-only ones', async (t) => {
      const { store } = await openFresh(t, createStorage);
      assert.equal(await store.revision(), 0);
      const first = await store.transaction(async (tx) => {
        await tx.insert('loadbalancer', loadBalancer());
        await tx.insert('loadbalancer', loadBalancer());
        await tx.insert('certificate', certificate());
        return 'done';
      });
      assert.deepStrictEqual(first, { value: 'done', revision: 1 });
      const readOnly = await store.transaction((tx) => tx.list('loadbalancer'));
      assert.equal(readOnly.revision, 1);
      assert.equal(readOnly.value.length, 2);
      const second = await store.transaction(async (tx) => tx.remove('loadbalancer', defined(readOnly.value[0]).id));
      assert.equal(second.revision, 2);
      assert.equal(await store.revision(), 2);
    });

    test('a transaction that throws writes nothing and rethrows', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const kept = loadBalancer();
      await store.transaction((tx) => tx.insert('loadbalancer', kept));
      const boom = new Error('boom');
      const lost = loadBalancer();
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.insert('loadbalancer', lost);
          await tx.update('loadbalancer', { ...kept, name: 'changed' });
          await tx.remove('loadbalancer', kept.id);
          throw boom;
        }),
        (error) => error === boom,
      );
      assert.equal(await store.revision(), 1);
      assert.deepStrictEqual(await store.list('loadbalancer'), [kept]);
    });

    test('listener_port: one listener per (load balancer, transport, port)', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const lb = loadBalancer();
      await store.transaction(async (tx) => {
        await tx.insert('loadbalancer', lb);
        await tx.insert('listener', listener(lb.id, { protocol: 'TCP', protocol_port: 80 }));
        await tx.insert('listener', listener(lb.id, { protocol: 'UDP', protocol_port: 80 }));
        await tx.insert('listener', listener('another-lb', { protocol: 'TCP', protocol_port: 80 }));
      });
      await assert.rejects(store.transaction((tx) => tx.insert('listener', listener(lb.id, { protocol: 'HTTP', protocol_port: 80 }))), isUniqueViolation('listener_port'));
      await assert.rejects(store.transaction((tx) => tx.insert('listener', listener(lb.id, { protocol: 'UDP', protocol_port: 80 }))), isUniqueViolation('listener_port'));
      const https = listener(lb.id, { protocol: 'HTTPS', protocol_port: 443 });
      await store.transaction((tx) => tx.insert('listener', https));
      await assert.rejects(store.transaction((tx) => tx.update('listener', { ...https, protocol_port: 80 })), isUniqueViolation('listener_port'));
      assert.equal((await store.list('listener')).length, 4);
    });

    test('listener_bind: two load balancers sharing a VIP cannot bind the same transport and port', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const first = loadBalancer({ vip_address: '127.0.0.50' });
      const second = loadBalancer({ vip_address: '127.0.0.50' });
      const third = loadBalancer({ vip_address: '127.0.0.51' });
      const onThird = listener(third.id, { protocol: 'TCP', protocol_port: 443 });
      await store.transaction(async (tx) => {
        for (const lb of [first, second, third]) await tx.insert('loadbalancer', lb);
        await tx.insert('listener', listener(first.id, { protocol: 'TCP', protocol_port: 443 }));
        await tx.insert('listener', listener(second.id, { protocol: 'UDP', protocol_port: 443 }));
        await tx.insert('listener', onThird);
      });
      await assert.rejects(store.transaction((tx) => tx.insert('listener', listener(second.id, { protocol: 'HTTPS', protocol_port: 443 }))), isUniqueViolation('listener_bind'));
      // Moving a load balancer onto a VIP whose port is taken is the same conflict.
      await assert.rejects(store.transaction((tx) => tx.update('loadbalancer', { ...third, vip_address: '127.0.0.50' })), isUniqueViolation('listener_bind'));
      // A listener written before its load balancer takes the VIP when the load balancer arrives.
      const early = listener('late-lb', { protocol: 'UDP', protocol_port: 443 });
      await store.transaction((tx) => tx.insert('listener', early));
      await assert.rejects(store.transaction((tx) => tx.insert('loadbalancer', loadBalancer({ id: 'late-lb', vip_address: '127.0.0.50' }))), isUniqueViolation('listener_bind'));
      await store.transaction((tx) => tx.update('loadbalancer', { ...third, vip_address: '127.0.0.52' }));
      await store.transaction((tx) => tx.insert('listener', listener(second.id, { protocol: 'TCP', protocol_port: 8443 })));
      assert.equal((await store.list('listener')).length, 5);
    });

    test('member_address: one member per (pool, address, port); ports are shared freely otherwise', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const p = pool('lb');
      await store.transaction(async (tx) => {
        await tx.insert('pool', p);
        await tx.insert('member', member(p.id, { address: '127.0.0.20', protocol_port: 80 }));
        await tx.insert('member', member(p.id, { address: '127.0.0.21', protocol_port: 80 }));
        await tx.insert('member', member(p.id, { address: '127.0.0.20', protocol_port: 81 }));
        await tx.insert('member', member('other-pool', { address: '127.0.0.20', protocol_port: 80 }));
      });
      await assert.rejects(store.transaction((tx) => tx.insert('member', member(p.id, { address: '127.0.0.20', protocol_port: 80 }))), isUniqueViolation('member_address'));
    });

    test('a transaction that caught a UniqueViolation can still write and commit', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const lb = loadBalancer();
      await store.transaction(async (tx) => {
        await tx.insert('loadbalancer', lb);
        await tx.insert('listener', listener(lb.id, { protocol_port: 80 }));
      });
      const fallback = listener(lb.id, { protocol_port: 8080 });
      const { value, revision } = await store.transaction(async (tx) => {
        try {
          await tx.insert('listener', listener(lb.id, { protocol_port: 80 }));
          return 'inserted';
        } catch (error) {
          if (!(error instanceof UniqueViolation)) throw error;
          await tx.insert('listener', fallback);
          return error.index;
        }
      });
      assert.equal(value, 'listener_port');
      assert.equal(revision, 2);
      assert.deepStrictEqual(await store.get('listener', fallback.id), fallback);
    });

    test('operations started together inside one transaction all apply, a failing one alone', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const p = pool('lb');
      const members = Array.from({ length: 10 }, (_, i) => member(p.id, { protocol_port: 1000 + i }));
      const clash = member(p.id, { protocol_port: 1000 });
      const { value } = await store.transaction(async (tx) => {
        await tx.insert('pool', p);
        const outcomes = await Promise.allSettled([...members.map((m) => tx.insert('member', m)), tx.insert('member', clash), tx.list('member')]);
        return outcomes.map((outcome) => outcome.status);
      });
      assert.deepStrictEqual(value, [...members.map(() => 'fulfilled'), 'rejected', 'fulfilled']);
      assert.deepStrictEqual(await store.list('member'), members);
    });

    test('20 concurrent check-then-insert transactions on one port: exactly one commits', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const lb = loadBalancer();
      await store.transaction((tx) => tx.insert('loadbalancer', lb));
      const checked = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          store.transaction(async (tx) => {
            const taken = await tx.list('listener', { filters: { loadbalancer_id: lb.id, protocol_port: 80 } });
            if (taken.length > 0) return false;
            await tx.insert('listener', listener(lb.id, { protocol: 'TCP', protocol_port: 80 }));
            return true;
          }),
        ),
      );
      const won = checked.filter((outcome) => outcome.status === 'fulfilled' && outcome.value.value);
      assert.equal(won.length, 1);
      // Without the check, the unique index alone turns away every loser.
      const blind = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.transaction((tx) => tx.insert('listener', listener(lb.id, { protocol: 'UDP', protocol_port: 53 })))),
      );
      assert.equal(blind.filter((outcome) => outcome.status === 'fulfilled').length, 1);
      for (const outcome of blind) if (outcome.status === 'rejected') isUniqueViolation('listener_port')(outcome.reason);
      assert.equal((await store.list('listener')).length, 2);
      assert.equal(await store.revision(), 3);
    });

    test('reads outside a transaction never see its uncommitted writes', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const lb = loadBalancer();
      let inserted!: () => void;
      const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const committing = store.transaction(async (tx) => {
        await tx.insert('loadbalancer', lb);
        inserted();
        await released;
      });
      await insertedSignal;
      const during = await Promise.race([
        Promise.all([store.get('loadbalancer', lb.id), store.list('loadbalancer'), store.revision()]),
        // A store may also make outside reads wait for the transaction; then they see the commit.
        new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), 200)),
      ]);
      release();
      await committing;
      if (during !== 'waiting') assert.deepStrictEqual(during, [undefined, [], 0]);
      assert.deepStrictEqual(await store.get('loadbalancer', lb.id), lb);
    });

    test('readAll returns every kind at one revision, even while writers commit', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const resources = oneOfEach();
      await store.transaction(async (tx) => {
        for (const kind of RESOURCE_KINDS) await tx.insert(kind, resources[kind]);
      });
      const all = await store.readAll();
      assert.equal(all.revision, 1);
      for (const kind of RESOURCE_KINDS) assert.deepStrictEqual(all.resources[kind], [resources[kind]], kind);
      // Each writer adds one load balancer and one pool: any consistent view has as many of each as revisions since.
      const writers = Array.from({ length: 15 }, () =>
        store.transaction(async (tx) => {
          await tx.insert('loadbalancer', loadBalancer());
          await tx.insert('pool', pool('lb'));
        }),
      );
      const views = [];
      for (let i = 0; i < 10; i++) views.push(await store.readAll());
      await Promise.all(writers);
      views.push(await store.readAll());
      for (const view of views) {
        assert.equal(view.resources.loadbalancer.length, view.revision, `revision ${view.revision}`);
        assert.equal(view.resources.pool.length, view.revision, `revision ${view.revision}`);
      }
      assert.equal(defined(views.at(-1)).revision, 16);
    });

    test('readChanges: everything from no revision, then the rows each later revision wrote or removed', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const resources = oneOfEach();
      await store.transaction(async (tx) => {
        for (const kind of RESOURCE_KINDS) await tx.insert(kind, resources[kind]);
      });
      const all = await store.readChanges(null);
      assert.equal(all.revision, 1);
      assert.equal(all.complete, true);
      assert.deepStrictEqual(all.rows.map((row) => [row.kind, row.resource]), RESOURCE_KINDS.map((kind) => [kind, resources[kind]]));
      assert.deepStrictEqual(await store.readChanges(1), { revision: 1, complete: false, rows: [], removed: [] });

      const renamed = { ...resources.loadbalancer, name: 'renamed' };
      const added = loadBalancer({ vip_address: '127.0.0.11' });
      await store.transaction((tx) => tx.update('loadbalancer', renamed));
      await store.transaction(async (tx) => {
        await tx.insert('loadbalancer', added);
        await tx.remove('l7rule', resources.l7rule.id);
        await tx.remove('l7rule', 'no-such-rule');
      });
      await store.transaction((tx) => tx.list('loadbalancer')); // reads only: no revision, no log
      const since1 = await store.readChanges(1);
      assert.equal(since1.revision, 3);
      assert.equal(since1.complete, false);
      const byId = new Map(since1.rows.map((row) => [row.resource.id, row]));
      assert.equal(byId.size, 2);
      assert.deepStrictEqual(byId.get(renamed.id)?.resource, renamed);
      assert.deepStrictEqual(byId.get(added.id)?.resource, added);
      assert.ok(defined(byId.get(added.id)).seq > defined(byId.get(renamed.id)).seq, 'seq follows insertion');
      assert.deepStrictEqual(since1.removed, [{ kind: 'l7rule', id: resources.l7rule.id }]);
      const since2 = await store.readChanges(2);
      assert.deepStrictEqual(since2.rows.map((row) => row.resource), [added]);
      // A revision the store never reached (another database?) is answered with everything.
      assert.equal((await store.readChanges(99)).complete, true);
    });

    test('a writer that undid a write through a caught UniqueViolation logs only what it kept', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const lb = loadBalancer();
      const first = listener(lb.id, { protocol_port: 80 });
      await store.transaction(async (tx) => {
        await tx.insert('loadbalancer', lb);
        await tx.insert('listener', first);
      });
      const clash = listener(lb.id, { protocol_port: 80 });
      const other = listener(lb.id, { protocol_port: 81 });
      await store.transaction(async (tx) => {
        await tx.insert('listener', clash).catch(() => undefined);
        await tx.insert('listener', other);
      });
      const changes = await store.readChanges(1);
      assert.deepStrictEqual(changes.rows.map((row) => row.resource.id), [other.id]);
      assert.deepStrictEqual(changes.removed, []);
    });

    test('onChange fires with the new revision after each writing commit, until unsubscribed', async (t) => {
      const { store } = await openFresh(t, createStorage);
      const seen: number[] = [];
      const unsubscribe = store.onChange((revision) => seen.push(revision));
      const { revision } = await store.transaction((tx) => tx.insert('loadbalancer', loadBalancer()));
      await store.transaction((tx) => tx.list('loadbalancer'));
      await store.transaction((tx) => tx.insert('loadbalancer', loadBalancer()));
      await waitFor(() => seen.length >= 2);
      assert.deepStrictEqual(seen, [revision, revision + 1]);
      unsubscribe();
      await store.transaction((tx) => tx.insert('loadbalancer', loadBalancer()));
      assert.deepStrictEqual(seen, [revision, revision + 1]);
    });

    test('everything survives close and reopen', async (t) => {
      const { store, storage, opened } = await openFresh(t, createStorage);
      const resources = oneOfEach();
      await store.transaction(async (tx) => {
        for (const kind of RESOURCE_KINDS) await tx.insert(kind, resources[kind]);
      });
      await store.transaction((tx) => tx.update('listener', { ...resources.listener, protocol_port: 8080 } satisfies Listener));
      const before = await store.readAll();
      await store.close();
      opened.splice(0);
      const reopened = await storage.open();
      opened.push(reopened);
      assert.deepStrictEqual(await reopened.readAll(), before);
      assert.equal(before.revision, 2);
      // The indexes survive too.
      await assert.rejects(reopened.transaction((tx) => tx.insert('listener', listener(resources.loadbalancer.id, { protocol_port: 8080 }))), isUniqueViolation('listener_port'));
      const { revision } = await reopened.transaction((tx) => tx.insert('loadbalancer', loadBalancer()));
      assert.equal(revision, 3);
    });

    test('a closed store refuses work', async (t) => {
      const { store } = await openFresh(t, createStorage);
      await store.close();
      await assert.rejects(store.transaction((tx) => tx.list('loadbalancer')));
      await assert.rejects(store.get('loadbalancer', 'x'));
      await assert.rejects(store.nodes.list());
      await store.close();
    });

    describe('node registry', () => {
      const report = (overrides: Partial<NodeReport> = {}): NodeReport => ({
        name: 'n1',
        nodeId: 'id-1',
        availabilityZone: 'az1',
        apiUrl: 'http://127.0.0.1:9876',
        version: '0.1.0',
        appliedRevision: 3,
        health: 'ok',
        healthDetail: null,
        heartbeatIntervalMs: 60_000,
        details: { vrrp: { elbow_all: 'MASTER' } },
        ...overrides,
      });

      test('a registered node is listed with what it reported, stamped by the store, and heartbeats replace it', async (t) => {
        const { store } = await openFresh(t, createStorage);
        const revision = await store.revision();
        await store.nodes.register(report());
        await store.nodes.register(report({ name: 'n0', nodeId: 'id-0', availabilityZone: null, apiUrl: null, appliedRevision: null }));
        const [n0, n1] = await store.nodes.list();
        assert.equal(n0?.name, 'n0', 'listed by name');
        assert.equal(n0?.availabilityZone, null);
        assert.equal(n0?.appliedRevision, null);
        const { startedAt, lastHeartbeat, heartbeatAgeMs, ...reported } = defined(n1);
        assert.deepStrictEqual(reported, report());
        assert.ok(!Number.isNaN(Date.parse(startedAt)) && !Number.isNaN(Date.parse(lastHeartbeat)), `${startedAt} ${lastHeartbeat}`);
        assert.ok(heartbeatAgeMs >= 0 && heartbeatAgeMs < 60_000, String(heartbeatAgeMs));
        assert.equal(isDown(defined(n1)), false);

        assert.equal(await store.nodes.heartbeat(report({ appliedRevision: 4, health: 'degraded', healthDetail: 'store unreachable', details: {} })), true);
        const beaten = (await store.nodes.list()).find((node) => node.name === 'n1');
        assert.equal(beaten?.appliedRevision, 4);
        assert.equal(beaten?.health, 'degraded');
        assert.equal(beaten?.healthDetail, 'store unreachable');
        assert.deepStrictEqual(beaten?.details, {});
        assert.equal(beaten?.startedAt, startedAt, 'a heartbeat keeps the start time');
        assert.ok(defined(beaten).lastHeartbeat >= lastHeartbeat);
        assert.equal(await store.revision(), revision, 'heartbeats are not configuration');
      });

      test('a name held by a live node is refused to another node id, taken back by its own, free once it stopped', async (t) => {
        const { store } = await openFresh(t, createStorage);
        await store.nodes.register(report());
        await assert.rejects(store.nodes.register(report({ nodeId: 'id-2' })), (error) => error instanceof NodeNameTaken && error.nodeName === 'n1');
        assert.equal(await store.nodes.heartbeat(report({ nodeId: 'id-2' })), false, 'a heartbeat of another node id does not land');
        await store.nodes.register(report({ appliedRevision: 9 }));
        assert.equal((await store.nodes.list())[0]?.appliedRevision, 9, 'a restart of the same node takes its row back');
        await store.nodes.heartbeat(report({ health: 'stopped' }));
        await store.nodes.register(report({ nodeId: 'id-2' }));
        assert.equal((await store.nodes.list())[0]?.nodeId, 'id-2');
        assert.equal(await store.nodes.heartbeat(report()), false, 'the old node id lost the name');
      });

      test('a node silent for three heartbeat intervals is down; remove forgets it', async (t) => {
        const { store } = await openFresh(t, createStorage);
        await store.nodes.register(report({ heartbeatIntervalMs: 20 }));
        await new Promise((resolve) => setTimeout(resolve, 200));
        const [silent] = await store.nodes.list();
        assert.ok(defined(silent).heartbeatAgeMs >= 150, String(silent?.heartbeatAgeMs));
        assert.equal(isDown(defined(silent)), true);
        await store.nodes.register(report({ nodeId: 'id-2' }));
        assert.equal(await store.nodes.remove('n1'), true);
        assert.equal(await store.nodes.remove('n1'), false);
        assert.deepStrictEqual(await store.nodes.list(), []);
      });
    });
  });
}

/** Polls a condition for up to five seconds (onChange may be delivered asynchronously). */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

