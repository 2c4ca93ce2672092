// Views: relationship arrays derived at read time, certificates without keys; deletes: in use
// → 409, cascade deletes a whole load balancer; members and rules live under their parent.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestCa, type TestCa } from '../../helpers/test-ca.js';
import { listener, loadBalancer, pool } from './fixtures.js';
import { codeOf, controlPlaneFor } from './setup.js';

let ca: TestCa;
before(() => {
  ca = createTestCa();
});
after(() => ca.close());

test('derived arrays of every kind are filled from relationships', async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const l = await listener(control, lb.id);
  const p = await pool(control, { listener_id: l.id });
  const m = await control.create('member', { address: '10.0.0.1' }, { pool_id: p.id });
  const hm = await control.create('healthmonitor', { pool_id: p.id, type: 'TCP', delay: 5, timeout: 5, max_retries: 2 });
  const policy = await control.create('l7policy', { listener_id: l.id, action: 'REJECT' });
  const rule = await control.create('l7rule', { type: 'PATH', compare_type: 'STARTS_WITH', value: '/admin' }, { l7policy_id: policy.id });

  const lbView = await control.show('loadbalancer', lb.id);
  assert.deepEqual([lbView.listeners, lbView.pools], [[{ id: l.id }], [{ id: p.id }]]);
  const lView = await control.show('listener', l.id);
  assert.deepEqual([lView.loadbalancers, lView.l7policies, lView.default_pool_id], [[{ id: lb.id }], [{ id: policy.id }], p.id]);
  const pView = await control.show('pool', p.id);
  assert.deepEqual([pView.loadbalancers, pView.listeners, pView.members, pView.healthmonitor_id], [[{ id: lb.id }], [{ id: l.id }], [{ id: m.id }], hm.id]);
  assert.deepEqual((await control.show('healthmonitor', hm.id)).pools, [{ id: p.id }]);
  assert.deepEqual((await control.show('l7policy', policy.id)).rules, [{ id: rule.id }]);
});

test('certificates show their metadata, never the private key; a mismatched key is refused', async (t) => {
  const { control } = await controlPlaneFor(t);
  const issued = ca.issueServer(['shop.example', 'www.shop.example']);
  const cert = await control.create('certificate', { name: 'shop', certificate: issued.certificatePem, private_key: issued.privateKeyPem });
  assert.equal(cert.private_key, undefined);
  assert.ok(!JSON.stringify(await control.list('certificate', { query: {} })).includes('PRIVATE KEY'));
  assert.match(String(cert.subject), /CN=shop\.example/);
  assert.deepEqual(cert.subject_alt_names, ['shop.example', 'www.shop.example', '127.0.0.1']);
  assert.match(String(cert.fingerprint), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.ok(Date.parse(String(cert.expires_at)) > Date.parse(String(cert.not_before)));
  const other = ca.issueServer(['other.example']);
  assert.equal(await codeOf(() => control.create('certificate', { certificate: issued.certificatePem, private_key: other.privateKeyPem })), 'CERTIFICATE_INVALID');
  assert.equal(await codeOf(() => control.create('certificate', { certificate: issued.certificatePem })), 'CERTIFICATE_INVALID');
  assert.equal(await codeOf(() => control.create('certificate', { certificate: 'garbage' })), 'CERTIFICATE_INVALID');
  assert.equal(await codeOf(() => control.create('certificate', { type: 'client', certificate: ca.caPem, private_key: issued.privateKeyPem })), 'CERTIFICATE_INVALID');
  await assert.rejects(control.update('certificate', cert.id, { private_key: other.privateKeyPem }), { code: 'CERTIFICATE_INVALID', message: /does not belong/ });
});

test('in-use resources cannot be deleted: certificates, ip groups, redirect targets; load balancers with children are a 400 as in Octavia', async (t) => {
  const { control } = await controlPlaneFor(t);
  const issued = ca.issueServer(['use.example']);
  const cert = await control.create('certificate', { certificate: issued.certificatePem, private_key: issued.privateKeyPem });
  const group = await control.create('ipgroup', { ip_list: [{ ip: '10.0.0.0/8' }] });
  const lb = await loadBalancer(control);
  const http = await listener(control, lb.id, 'HTTP', 80, { ipgroup: { ipgroup_id: group.id } });
  const https = await listener(control, lb.id, 'HTTPS', 443, { default_tls_container_ref: cert.id });
  await pool(control, { listener_id: http.id });
  const redirectPool = await pool(control, { loadbalancer_id: lb.id });
  const policy = await control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_POOL', redirect_pool_id: redirectPool.id });
  await control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_LISTENER', redirect_listener_id: https.id });

  await assert.rejects(control.remove('pool', redirectPool.id), { code: 'IN_USE', status: 409, message: new RegExp(`in use by l7policy ${policy.id}`) });
  await assert.rejects(control.remove('certificate', cert.id), { code: 'IN_USE', message: new RegExp(`certificate ${cert.id} is in use by listener ${https.id}`) });
  await assert.rejects(control.remove('ipgroup', group.id), { code: 'IN_USE', message: new RegExp(`in use by listener ${http.id}`) });
  await assert.rejects(control.remove('listener', https.id), { code: 'IN_USE', message: /in use by l7policy/ });
  await assert.rejects(control.remove('loadbalancer', lb.id), {
    code: 'LOADBALANCER_HAS_CHILDREN',
    status: 400,
    message: `Validation failure: Cannot delete Load Balancer ${lb.id} - it has children`,
  });
  const poolsOnly = await loadBalancer(control);
  await pool(control, { loadbalancer_id: poolsOnly.id });
  assert.equal(await codeOf(() => control.remove('loadbalancer', poolsOnly.id)), 'LOADBALANCER_HAS_CHILDREN');

  // Clearing the references frees them.
  await control.update('l7policy', policy.id, { action: 'REJECT', redirect_pool_id: null });
  await control.remove('pool', redirectPool.id);
  assert.equal(await codeOf(() => control.show('pool', redirectPool.id)), 'NOT_FOUND');
});

test("deleting a listener's default pool lets go of it (Octavia): default_pool_id becomes null, in one revision", async (t) => {
  const published: number[] = [];
  const { control, store } = await controlPlaneFor(t, { publish: async (revision) => (published.push(revision), { revision, listenerErrors: {} }) });
  const lb = await loadBalancer(control);
  const l = await listener(control, lb.id);
  const other = await listener(control, lb.id, 'TCP', 81);
  const p = await pool(control, { listener_id: l.id });
  await control.create('member', { address: '10.0.0.1' }, { pool_id: p.id });
  const before = await store.revision();
  await control.remove('pool', p.id);
  assert.equal(await store.revision(), before + 1);
  assert.equal(published.at(-1), before + 1);
  const shown = await control.show('listener', l.id);
  assert.equal(shown.default_pool_id, null);
  assert.notEqual(shown.updated_at, null);
  assert.equal((await control.show('listener', other.id)).updated_at, null, 'listeners that did not use it are not touched');
  assert.deepEqual((await control.show('loadbalancer', lb.id)).pools, []);
  assert.equal((await store.list('member')).length, 0);
});

test('cascade deletes a load balancer with everything under it', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const keep = await loadBalancer(control);
  const keptListener = await listener(control, keep.id);
  const l = await listener(control, lb.id);
  const p = await pool(control, { listener_id: l.id });
  await control.create('member', { address: '10.0.0.1' }, { pool_id: p.id });
  await control.create('healthmonitor', { pool_id: p.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 2 });
  const policy = await control.create('l7policy', { listener_id: l.id, action: 'REJECT' });
  await control.create('l7rule', { type: 'PATH', compare_type: 'EQUAL_TO', value: '/x' }, { l7policy_id: policy.id });
  await control.remove('loadbalancer', lb.id, { cascade: true });
  const all = await store.readAll();
  assert.deepEqual(all.resources.loadbalancer.map((r) => r.id), [keep.id]);
  assert.deepEqual(all.resources.listener.map((r) => r.id), [keptListener.id]);
  for (const kind of ['pool', 'member', 'healthmonitor', 'l7policy', 'l7rule'] as const) assert.equal(all.resources[kind].length, 0, kind);
});

test('members and rules are addressed under their parent; another parent is a 404', async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const a = await pool(control, { loadbalancer_id: lb.id });
  const b = await pool(control, { loadbalancer_id: lb.id });
  const m = await control.create('member', { address: '10.0.0.1' }, { pool_id: a.id });
  assert.equal((await control.show('member', m.id, { pool_id: a.id })).id, m.id);
  assert.equal(await codeOf(() => control.show('member', m.id, { pool_id: b.id })), 'NOT_FOUND');
  assert.equal(await codeOf(() => control.update('member', m.id, { weight: 3 }, { pool_id: b.id })), 'NOT_FOUND');
  assert.equal(await codeOf(() => control.remove('member', m.id, { pool_id: b.id })), 'NOT_FOUND');
  assert.equal(await codeOf(() => control.create('member', { address: '10.0.0.1' }, { pool_id: 'nope' })), 'NOT_FOUND');
  assert.deepEqual((await control.list('member', { query: {} }, { pool_id: b.id })).length, 0);
  assert.equal(await codeOf(() => control.list('member', { query: {} }, { pool_id: 'nope' })), 'NOT_FOUND');
  await control.remove('member', m.id, { pool_id: a.id });
  assert.deepEqual((await control.show('pool', a.id)).members, []);
});

test('deleting a pool or a health monitor keeps the pool\'s monitor reference right', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const p = await pool(control, { loadbalancer_id: lb.id });
  const hm = await control.create('healthmonitor', { pool_id: p.id, type: 'PING', delay: 5, timeout: 3, max_retries: 2 });
  assert.equal((await store.get('pool', p.id))?.healthmonitor_id, hm.id);
  await control.remove('healthmonitor', hm.id);
  assert.equal((await store.get('pool', p.id))?.healthmonitor_id, null);
  await control.create('healthmonitor', { pool_id: p.id, type: 'TCP', delay: 5, timeout: 3, max_retries: 2 });
  await control.remove('pool', p.id);
  assert.equal((await store.list('healthmonitor')).length, 0);
});

test('policy positions stay 1..n: insert at a position, move, delete', async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const l = await listener(control, lb.id);
  const a = await control.create('l7policy', { listener_id: l.id, action: 'REJECT', name: 'a' });
  const b = await control.create('l7policy', { listener_id: l.id, action: 'REJECT', name: 'b' });
  const c = await control.create('l7policy', { listener_id: l.id, action: 'REJECT', name: 'c', position: 1 });
  const order = async () => (await control.list('l7policy', { query: { listener_id: l.id } })).sort((x, y) => Number(x.position) - Number(y.position)).map((p) => p.name);
  assert.deepEqual(await order(), ['c', 'a', 'b']);
  await control.update('l7policy', c.id, { position: 99 });
  assert.deepEqual(await order(), ['a', 'b', 'c']);
  assert.equal((await control.show('l7policy', c.id)).position, 3);
  await control.remove('l7policy', a.id);
  assert.deepEqual((await control.list('l7policy', { query: {} })).map((p) => [p.name, p.position]).sort(), [['b', 1], ['c', 2]]);
  assert.deepEqual((await control.show('listener', l.id)).l7policies, [{ id: b.id }, { id: c.id }]);
});
