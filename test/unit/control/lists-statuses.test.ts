// Lists (filters, tags, limit/marker), statuses from the runtime view and their roll-up, stats, the status tree,
// publishing each revision, and naming the winner when a unique index catches a race.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listener, loadBalancer, pool } from './fixtures.js';
import { codeOf, controlPlaneFor } from './setup.js';
import { RuntimeView } from '../../../src/snapshot/runtime-view.js';
import type { ApplyReport, ListenerStats } from '../../../src/snapshot/snapshot.js';
import { conflictError } from '../../../src/control/unique-conflicts.js';
import { UniqueViolation } from '../../../src/store/store.js';
import type { Listener } from '../../../src/model/types.js';
import { defined } from '../../helpers/defined.js';

test('lists filter by scalar fields and tags, page with limit and marker', async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const a = await listener(control, lb.id, 'HTTP', 80, { name: 'a', tags: ['web', 'prod'] });
  const b = await listener(control, lb.id, 'TCP', 81, { name: 'b', tags: ['prod'], admin_state_up: false });
  const c = await listener(control, lb.id, 'UDP', 81, { name: 'c' });
  const names = async (query: Record<string, string | string[]>) => (await control.list('listener', { query })).map((v) => v.name);
  assert.deepEqual(await names({}), ['a', 'b', 'c']);
  assert.deepEqual(await names({ protocol_port: '81' }), ['b', 'c']);
  assert.deepEqual(await names({ protocol: ['HTTP', 'UDP'] }), ['a', 'c']);
  assert.deepEqual(await names({ admin_state_up: 'False' }), ['b']);
  assert.deepEqual(await names({ loadbalancer_id: lb.id, name: 'c' }), ['c']);
  assert.deepEqual(await names({ default_pool_id: 'null' }), ['a', 'b', 'c']);
  assert.deepEqual(await names({ tags: 'web,prod' }), ['a']);
  assert.deepEqual(await names({ 'tags-any': 'web,prod' }), ['a', 'b']);
  assert.deepEqual(await names({ 'not-tags': 'prod' }), ['c']);
  assert.deepEqual(await names({ fields: 'id', sort: 'name:asc' }), ['a', 'b', 'c'], 'API parameters are not filters');
  assert.deepEqual(await names({ limit: '2' }), ['a', 'b']);
  assert.deepEqual(await names({ limit: '2', marker: b.id }), ['c']);
  assert.deepEqual(await names({ marker: a.id, protocol_port: '81' }), ['b', 'c']);
  assert.deepEqual(await names({ marker: c.id }), []);
  assert.equal(await codeOf(() => control.list('listener', { query: { limit: '0' } })), 'INVALID_QUERY');
  assert.equal(await codeOf(() => control.list('listener', { query: { limit: 'ten' } })), 'INVALID_QUERY');
  assert.equal(await codeOf(() => control.list('listener', { query: { marker: 'nope' } })), 'INVALID_QUERY');
  assert.equal(await codeOf(() => control.show('listener', 'nope')), 'NOT_FOUND');
});

test("lists sort as Octavia's: sort=key:dir,… or sort_key/sort_dir, creation order between equals, marker in the sorted order", async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const [b, a, c, a2] = [
    await listener(control, lb.id, 'HTTP', 82, { name: 'b' }),
    await listener(control, lb.id, 'TCP', 80, { name: 'a', connection_limit: 10 }),
    await listener(control, lb.id, 'UDP', 81, { name: 'c', connection_limit: 5 }),
    await listener(control, lb.id, 'TCP', 83, { name: 'a' }),
  ];
  const ids = async (query: Record<string, string | string[]>) => (await control.list('listener', { query })).map((v) => v.id);
  assert.deepEqual(await ids({}), [b.id, a.id, c.id, a2.id], 'creation order by default');
  assert.deepEqual(await ids({ sort: 'name' }), [a.id, a2.id, b.id, c.id]);
  assert.deepEqual(await ids({ sort: 'name:desc' }), [c.id, b.id, a.id, a2.id], 'equals keep creation order');
  assert.deepEqual(await ids({ sort: 'name:asc,protocol_port:desc' }), [a2.id, a.id, b.id, c.id]);
  assert.deepEqual(await ids({ sort_key: 'protocol_port', sort_dir: 'desc' }), [a2.id, b.id, c.id, a.id]);
  assert.deepEqual(await ids({ sort_key: ['name', 'protocol_port'], sort_dir: ['desc', 'desc'] }), [c.id, b.id, a2.id, a.id]);
  assert.deepEqual(await ids({ sort_key: 'connection_limit,name' }), [a2.id, b.id, c.id, a.id], 'numbers compare as numbers (-1, -1, 5, 10), then names');
  assert.deepEqual(await ids({ sort: 'name', limit: '2' }), [a.id, a2.id]);
  assert.deepEqual(await ids({ sort: 'name', limit: '2', marker: a2.id }), [b.id, c.id], 'the marker is a place in the sorted list');
  assert.deepEqual(await ids({ sort: 'name:desc', protocol: 'TCP' }), [a.id, a2.id]);
  await assert.rejects(control.list('listener', { query: { sort: 'nope' } }), { code: 'INVALID_SORT_KEY', status: 400, message: "Supplied sort key 'nope' is not valid." });
  await assert.rejects(control.list('listener', { query: { sort_key: 'l7policies' } }), { code: 'INVALID_SORT_KEY' }, 'a list is not a sort key');
  await assert.rejects(control.list('listener', { query: { sort: 'name:up' } }), { code: 'INVALID_SORT_DIRECTION', status: 400, message: "Supplied sort direction 'up' is not valid." });
  await assert.rejects(control.list('listener', { query: { sort_key: 'name', sort_dir: 'sideways' } }), { code: 'INVALID_SORT_DIRECTION' });
  const lbs = [lb, await loadBalancer(control, { name: 'z' }), await loadBalancer(control, { name: 'm' })];
  assert.deepEqual((await control.list('loadbalancer', { query: { sort: 'name:desc' } })).map((v) => v.name), ['z', 'm', '']);
  assert.deepEqual((await control.list('loadbalancer', { query: { sort: 'created_at:desc,id' } })).length, lbs.length);
});

test('statuses: member health from the runtime view rolls up to pool, listener and load balancer; listener errors show', async (t) => {
  const runtime = new RuntimeView();
  const engine = runtime.part('node');
  const { control } = await controlPlaneFor(t, { runtime });
  const lb = await loadBalancer(control);
  const l = await listener(control, lb.id);
  const spare = await listener(control, lb.id, 'TCP', 81);
  const p = await pool(control, { listener_id: l.id });
  const m1 = await control.create('member', { address: '10.0.0.1' }, { pool_id: p.id });
  const m2 = await control.create('member', { address: '10.0.0.2' }, { pool_id: p.id });
  const down = await control.create('member', { address: '10.0.0.3', admin_state_up: false }, { pool_id: p.id });
  const status = async (kind: 'member' | 'pool' | 'listener' | 'loadbalancer', id: string) => (await control.show(kind, id, kind === 'member' ? { pool_id: p.id } : undefined)).operating_status;

  assert.equal(await status('member', m1.id), 'NO_MONITOR', 'no monitor → NO_MONITOR');
  assert.equal(await status('member', down.id), 'OFFLINE', 'admin down → OFFLINE');
  assert.equal(await status('pool', p.id), 'ONLINE');

  await control.create('healthmonitor', { pool_id: p.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 2 });
  assert.equal(await status('member', m1.id), 'OFFLINE', 'monitored but not probed yet');
  engine.members(0, { [m1.id]: 'ONLINE', [m2.id]: 'ERROR', [down.id]: 'ERROR' });
  assert.equal(await status('member', m2.id), 'ERROR');
  assert.equal(await status('member', down.id), 'OFFLINE');
  assert.equal(await status('pool', p.id), 'DEGRADED');
  assert.equal(await status('listener', l.id), 'DEGRADED');
  assert.equal(await status('loadbalancer', lb.id), 'DEGRADED');

  engine.members(0, { [m1.id]: 'ERROR', [m2.id]: 'ERROR' });
  assert.equal(await status('pool', p.id), 'ERROR');
  assert.equal(await status('listener', l.id), 'ERROR');
  assert.equal(await status('loadbalancer', lb.id), 'DEGRADED', 'the spare listener is still up');

  engine.applied({ revision: 1, members: { [m1.id]: 'ONLINE', [m2.id]: 'ONLINE' }, listenerErrors: { [spare.id]: 'listen EADDRINUSE 127.0.1.1:81' } });
  const failed = await control.show('listener', spare.id);
  assert.equal(failed.provisioning_status, 'ERROR');
  assert.equal(failed.operating_status, 'ERROR');
  assert.equal(failed.provisioning_status_reason, 'listen EADDRINUSE 127.0.1.1:81');
  assert.equal(await status('listener', l.id), 'ONLINE');
  assert.equal((await control.show('listener', l.id)).provisioning_status_reason, undefined);

  await control.update('loadbalancer', lb.id, { admin_state_up: false });
  assert.equal(await status('loadbalancer', lb.id), 'OFFLINE');
  assert.equal(await status('listener', l.id), 'OFFLINE');

  const tree = (await control.statusTree(lb.id)) as { statuses: { loadbalancer: { operating_status: string; listeners: { id: string; pools: { members: { id: string; operating_status: string }[]; health_monitor?: unknown }[] }[] } } };
  assert.equal(tree.statuses.loadbalancer.operating_status, 'OFFLINE');
  const treeListener = tree.statuses.loadbalancer.listeners.find((x) => x.id === l.id);
  assert.deepEqual(treeListener?.pools[0]?.members.map((m) => m.operating_status), ['ONLINE', 'ONLINE', 'OFFLINE']);
  assert.ok(treeListener?.pools[0]?.health_monitor);
  assert.equal(await codeOf(() => control.statusTree('nope')), 'NOT_FOUND');
});

test('stats: zeros without a data plane, per listener and summed per load balancer', async (t) => {
  const counters = { bytes_in: 10, bytes_out: 20, active_connections: 1, total_connections: 5, request_errors: 0 };
  let live: Record<string, ListenerStats> | null = null;
  const { control } = await controlPlaneFor(t, {
    stats: async () => {
      if (!live) throw new Error('no data plane yet');
      return live;
    },
  });
  const lb = await loadBalancer(control);
  const a = await listener(control, lb.id, 'HTTP', 80);
  const b = await listener(control, lb.id, 'TCP', 81);
  assert.deepEqual(await control.stats('loadbalancer', lb.id), { stats: { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 } });
  live = { [a.id]: counters, [b.id]: { ...counters, request_errors: 2 } };
  assert.deepEqual(await control.stats('listener', a.id), { stats: counters });
  assert.deepEqual(await control.stats('loadbalancer', lb.id), { stats: { bytes_in: 20, bytes_out: 40, active_connections: 2, total_connections: 10, request_errors: 2 } });
  assert.equal(await codeOf(() => control.stats('listener', lb.id)), 'NOT_FOUND');
});

test('every change is published with its revision before the call returns; a failed apply is APPLY_FAILED', async (t) => {
  const published: number[] = [];
  let fail = false;
  const { control, store } = await controlPlaneFor(t, {
    publish: async (revision): Promise<ApplyReport> => {
      published.push(revision);
      if (fail) throw new Error('worker crashed');
      return { revision, listenerErrors: {} };
    },
  });
  const lb = await loadBalancer(control);
  assert.deepEqual(published, [await store.revision()]);
  await listener(control, lb.id);
  assert.equal(published.length, 2);
  assert.ok((published[1] ?? 0) > (published[0] ?? 0));
  fail = true;
  await assert.rejects(listener(control, lb.id, 'UDP', 53), { code: 'APPLY_FAILED', status: 500, message: /stored \(revision \d+\).*worker crashed/ });
  assert.equal((await store.list('listener')).length, 2, 'the change is stored even though the apply failed');
  // A refused change publishes nothing.
  fail = false;
  const before = published.length;
  await assert.rejects(listener(control, lb.id, 'TCP', 80));
  assert.equal(published.length, before);
});

test("listener errors an apply reports show in the answer of the change that caused them", async (t) => {
  const errors: Record<string, string> = {};
  const runtime = new RuntimeView();
  const engine = runtime.part('node');
  // As an engine does: the apply's outcome is in the view before the apply resolves.
  const publish = async (revision: number): Promise<ApplyReport> => {
    const report = { revision, listenerErrors: { ...errors } };
    engine.applied({ ...report, members: {} });
    return report;
  };
  const { control } = await controlPlaneFor(t, { publish, runtime });
  const lb = await loadBalancer(control);
  const l = await listener(control, lb.id);
  assert.equal(l.provisioning_status, 'ACTIVE');
  errors[l.id] = 'listen EADDRINUSE';
  const renamed = await control.update('listener', l.id, { name: 'web' });
  assert.equal(renamed.provisioning_status, 'ERROR');
  assert.equal(renamed.provisioning_status_reason, 'listen EADDRINUSE');
  assert.equal((await control.show('loadbalancer', lb.id)).operating_status, 'ERROR');
});

test('a unique-index violation becomes the 409 naming the listener or member that won', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const other = await loadBalancer(control, { vip_address: '0.0.0.0' });
  const winner = await listener(control, lb.id, 'HTTP', 80);
  const loser = { ...(winner as unknown as Listener), id: 'loser', protocol: 'TCP' as const };
  const sameLb = await conflictError(new UniqueViolation('listener_port'), { kind: 'listener', resource: loser }, store);
  assert.equal((sameLb as { code?: string }).code, 'LISTENER_PORT_CONFLICT');
  assert.match(sameLb.message, new RegExp(`id ${winner.id}, HTTP:80`));
  const crossLb = await conflictError(new UniqueViolation('listener_bind'), { kind: 'listener', resource: { ...loser, loadbalancer_id: other.id } }, store);
  assert.equal((crossLb as { code?: string }).code, 'LISTENER_BIND_CONFLICT');
  const p = await pool(control, { loadbalancer_id: lb.id });
  const member = await control.create('member', { address: '10.0.0.1' }, { pool_id: p.id });
  const memberClash = await conflictError(new UniqueViolation('member_address'), { kind: 'member', resource: { ...defined(await store.get('member', member.id)), id: 'x' } }, store);
  assert.equal((memberClash as { code?: string }).code, 'MEMBER_ADDRESS_CONFLICT');
  const violation = new UniqueViolation('listener_port');
  assert.equal(await conflictError(violation, undefined, store), violation, 'nothing to name: the violation itself');
});

test('statuses are not stored; rows stored with them (before they were computed) load, and show the computed ones in the same place', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const stored = defined(await store.get('loadbalancer', lb.id)) as unknown as Record<string, unknown>;
  assert.equal('provisioning_status' in stored || 'operating_status' in stored, false);
  assert.deepEqual(Object.keys(lb).slice(0, 6), ['id', 'project_id', 'created_at', 'updated_at', 'provisioning_status', 'operating_status']);
  // A row as elbow stored it before: the statuses right after the common fields.
  const { id, project_id, created_at, updated_at, ...rest } = stored;
  const legacy = { id, project_id, created_at, updated_at, provisioning_status: 'PENDING_DELETE', operating_status: 'ERROR', ...rest };
  await store.transaction((tx) => tx.update('loadbalancer', legacy as never));
  const shown = await control.show('loadbalancer', lb.id);
  assert.deepEqual(shown, lb);
  assert.deepEqual(Object.keys(shown), Object.keys(lb));
});
