// Octavia's single-call create (a load balancer with everything nested, a pool with its members
// and monitor, …) and the batch member update: all or nothing, one revision, one apply.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listener, loadBalancer, pool } from './fixtures.js';
import { codeOf, controlPlaneFor } from './setup.js';
import type { ResourceView } from '../../../src/control/control-plane.js';

function recorder(): { published: number[]; publish: (revision: number) => Promise<{ revision: number; listenerErrors: Record<string, string> }> } {
  const published: number[] = [];
  return { published, publish: async (revision) => (published.push(revision), { revision, listenerErrors: {} }) };
}

const fullyPopulated = {
  name: 'graph',
  vip_subnet_id: 'sub',
  listeners: [
    {
      name: 'http',
      protocol: 'HTTP',
      protocol_port: 80,
      default_pool: { name: 'web' },
      l7policies: [
        { name: 'api', action: 'REDIRECT_TO_POOL', redirect_pool: { name: 'api', protocol: 'HTTP', lb_algorithm: 'LEAST_CONNECTIONS', members: [{ address: '10.0.1.1', protocol_port: 9000 }] }, rules: [{ type: 'PATH', compare_type: 'STARTS_WITH', value: '/api' }] },
        { action: 'REJECT', position: 1, rules: [{ type: 'HEADER', compare_type: 'EQUAL_TO', key: 'X-Block', value: 'yes' }, { type: 'PATH', compare_type: 'EQUAL_TO', value: '/admin' }] },
      ],
    },
    { name: 'tcp', protocol: 'TCP', protocol_port: 5432, default_pool: { name: 'db', protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', members: [{ address: '10.0.2.1', protocol_port: 5432 }] } },
  ],
  pools: [
    {
      name: 'web',
      protocol: 'HTTP',
      lb_algorithm: 'ROUND_ROBIN',
      session_persistence: { type: 'APP_COOKIE', cookie_name: 'SID' },
      members: [{ address: '10.0.0.1', protocol_port: 8080 }, { address: '10.0.0.2', protocol_port: 8080, weight: 3 }],
      healthmonitor: { type: 'HTTP', delay: 5, timeout: 3, max_retries: 2, url_path: '/health' },
    },
  ],
};

test('a fully populated load balancer is created in one transaction and answered in full', async (t) => {
  const { published, publish } = recorder();
  const { control, store } = await controlPlaneFor(t, { publish });
  const before = await store.revision();
  const lb = await control.create('loadbalancer', fullyPopulated);
  assert.equal(await store.revision(), before + 1, 'one revision');
  assert.deepEqual(published, [before + 1], 'one apply');

  const listeners = lb.listeners as ResourceView[];
  const pools = lb.pools as ResourceView[];
  assert.deepEqual(listeners.map((l) => l.name), ['http', 'tcp']);
  assert.deepEqual(pools.map((p) => p.name).sort(), ['api', 'db', 'web']);
  const byName = new Map(pools.map((p) => [p.name, p]));
  const web = byName.get('web') as ResourceView;
  assert.equal(listeners[0]?.default_pool_id, web.id);
  assert.equal(listeners[1]?.default_pool_id, byName.get('db')?.id);
  assert.deepEqual((web.members as ResourceView[]).map((m) => [m.address, m.weight]), [['10.0.0.1', 1], ['10.0.0.2', 3]]);
  assert.equal((web.healthmonitor as ResourceView).url_path, '/health');
  assert.deepEqual(web.session_persistence, { type: 'APP_COOKIE', cookie_name: 'SID', persistence_timeout: null, persistence_granularity: null });
  const policies = listeners[0]?.l7policies as ResourceView[];
  assert.deepEqual(policies.map((p) => [p.action, p.position]), [['REJECT', 1], ['REDIRECT_TO_POOL', 2]], 'positions as asked');
  assert.equal(policies[1]?.redirect_pool_id, byName.get('api')?.id);
  assert.equal((policies[0]?.rules as ResourceView[]).length, 2);
  assert.equal((policies[1]?.rules as ResourceView[])[0]?.value, '/api');

  // Shown afterwards, the load balancer lists ids, as always.
  const shown = await control.show('loadbalancer', lb.id);
  assert.deepEqual(shown.listeners, listeners.map((l) => ({ id: l.id })));
  assert.equal((await control.show('pool', web.id)).healthmonitor_id, (web.healthmonitor as ResourceView).id);
  assert.equal((await store.list('member')).length, 4);
  assert.equal((await store.list('l7rule')).length, 3);
});

test('single-call create is all or nothing: any invalid part leaves nothing behind', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const broken = (change: (body: typeof fullyPopulated) => void) => {
    const body = structuredClone(fullyPopulated);
    change(body);
    return body;
  };
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['a member conflict', broken((b) => b.pools[0]?.members.push({ address: '10.0.0.1', protocol_port: 8080 })), 'MEMBER_ADDRESS_CONFLICT', /10\.0\.0\.1/],
    ['a port conflict', broken((b) => ((b.listeners[1] as { protocol_port: number }).protocol_port = 80)), 'LISTENER_PORT_CONFLICT', /port 80/],
    ['an unknown pool name', broken((b) => ((b.listeners[0] as { default_pool: unknown }).default_pool = { name: 'nope' })), 'INVALID_BODY', /listeners\[0\]\.default_pool.*"nope" was referenced/],
    ['an unnamed pool', broken((b) => delete (b.pools[0] as { name?: string }).name), 'INVALID_BODY', /pools\[0\]\.name.*must be named/],
    ['a pool named twice', broken((b) => b.pools.push({ ...(b.pools[0] as (typeof b.pools)[0]), members: [] })), 'INVALID_BODY', /unique/],
    ['a pool definition without protocol', broken((b) => delete (b.pools[0] as { protocol?: string }).protocol), 'INVALID_BODY', /pools\[0\]\.protocol.*required in a pool definition/],
    ['a bad nested field', broken((b) => ((b.pools[0]?.members[0] as { weight?: number }).weight = 999)), 'INVALID_BODY', /pools\/0\/members\/0\/weight|pools\[0\]\.members\[0\]\.weight/],
    ['a listener naming its load balancer', broken((b) => ((b.listeners[0] as Record<string, unknown>).loadbalancer_id = 'x')), 'INVALID_BODY', /loadbalancer_id/],
    ['a wrong protocol pair', broken((b) => ((b.listeners[1] as { default_pool: unknown }).default_pool = { name: 'web' })), 'PROTOCOL_MISMATCH', /TCP/],
  ];
  for (const [what, body, code, message] of cases) {
    await assert.rejects(control.create('loadbalancer', body), (error: { code: string; message: string }) => {
      assert.equal(error.code, code, `${what}: ${error.message}`);
      assert.match(error.message, message, what);
      return true;
    });
  }
  const all = await store.readAll();
  for (const [kind, rows] of Object.entries(all.resources)) assert.equal(rows.length, 0, `${kind} left behind`);
  assert.equal(all.revision, 0);
});

test('a pool, a listener and a policy take their nested children too', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const p = await control.create('pool', {
    loadbalancer_id: lb.id,
    protocol: 'HTTP',
    lb_algorithm: 'ROUND_ROBIN',
    members: [{ address: '10.0.0.1' }, { address: '10.0.0.2', protocol_port: 81 }],
    healthmonitor: { type: 'HTTP', delay: 5, timeout: 3, max_retries: 2 },
  });
  assert.equal((p.members as unknown[]).length, 2);
  assert.notEqual(p.healthmonitor_id, null);
  assert.deepEqual((await store.list('member')).map((m) => m.protocol_port), [80, 81]);

  const l = await control.create('listener', {
    loadbalancer_id: lb.id,
    protocol: 'HTTP',
    protocol_port: 80,
    default_pool: { protocol: 'HTTP', lb_algorithm: 'SOURCE_IP', members: [{ address: '10.0.9.9' }] },
    l7policies: [{ action: 'REDIRECT_TO_POOL', redirect_pool_id: p.id, rules: [{ type: 'HOST_NAME', compare_type: 'EQUAL_TO', value: 'a.example' }] }],
  });
  const defaultPool = await control.show('pool', String(l.default_pool_id));
  assert.equal(defaultPool.lb_algorithm, 'SOURCE_IP');
  assert.deepEqual(defaultPool.listeners, [{ id: l.id }]);
  assert.equal((l.l7policies as unknown[]).length, 1);

  const policy = await control.create('l7policy', {
    listener_id: l.id,
    action: 'REDIRECT_TO_POOL',
    redirect_pool: { name: 'new', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
    rules: [{ type: 'PATH', compare_type: 'EQUAL_TO', value: '/x' }],
  });
  const target = await control.show('pool', String(policy.redirect_pool_id));
  assert.equal(target.name, 'new');
  assert.equal(target.loadbalancer_id, lb.id);
  assert.equal((policy.rules as unknown[]).length, 1);
  assert.equal(await codeOf(() => control.create('l7policy', { listener_id: l.id, action: 'REDIRECT_TO_POOL', redirect_pool: { name: 'new' } })), 'INVALID_BODY', 'no body to resolve a name in');
});

test('batch member update: the pool becomes the list, matched by address and port, in one revision', async (t) => {
  const { published, publish } = recorder();
  const { control, store } = await controlPlaneFor(t, { publish });
  const lb = await loadBalancer(control);
  const p = await pool(control, { loadbalancer_id: lb.id }, 'TCP');
  const create = (body: Record<string, unknown>) => control.create('member', body, { pool_id: p.id });
  const keep = await create({ address: '10.0.0.1', protocol_port: 80, name: 'keep', weight: 5, tags: ['a'] });
  const same = await create({ address: '10.0.0.2', protocol_port: 80, name: 'same' });
  const gone = await create({ address: '10.0.0.3', protocol_port: 80 });
  const members = async () => (await control.list('member', { query: {} }, { pool_id: p.id })).map((m) => [m.address, m.protocol_port, m.weight, m.name]);

  const before = await store.revision();
  await control.replaceMembers(p.id, [
    { address: '10.0.0.1', protocol_port: 80, weight: 2 },
    { address: '10.0.0.2', protocol_port: 80 },
    { address: '10.0.0.4', protocol_port: 81, name: 'new' },
  ], { additiveOnly: false });
  assert.equal(await store.revision(), before + 1);
  assert.equal(published.at(-1), before + 1);
  assert.deepEqual(await members(), [['10.0.0.1', 80, 2, 'keep'], ['10.0.0.2', 80, 1, 'same'], ['10.0.0.4', 81, 1, 'new']]);
  assert.equal((await store.get('member', keep.id))?.updated_at !== null, true);
  assert.equal((await store.get('member', same.id))?.updated_at, null, 'an unchanged member is not written');
  assert.equal(await store.get('member', gone.id), undefined);
  assert.deepEqual((await store.get('member', keep.id))?.tags, ['a'], 'tags stay unless given');

  // Nothing to do: no revision.
  const settled = await store.revision();
  await control.replaceMembers(p.id, [
    { address: '10.0.0.1', protocol_port: 80, weight: 2 },
    { address: '10.0.0.2', protocol_port: 80 },
    { address: '10.0.0.4', protocol_port: 81 },
  ], { additiveOnly: false });
  assert.equal(await store.revision(), settled);

  // Additive: nothing is deleted; omitted fields go back to their defaults (weight 2 → 1).
  await control.replaceMembers(p.id, [{ address: '10.0.0.1', protocol_port: 80 }, { address: '10.0.0.5', protocol_port: 80 }], { additiveOnly: true });
  assert.deepEqual((await members()).map(([address, , weight]) => [address, weight]), [['10.0.0.1', 1], ['10.0.0.2', 1], ['10.0.0.4', 1], ['10.0.0.5', 1]]);

  // An empty list empties the pool.
  await control.replaceMembers(p.id, [], { additiveOnly: false });
  assert.deepEqual(await members(), []);

  // All or nothing, and checked.
  await control.replaceMembers(p.id, [{ address: '10.0.0.1', protocol_port: 80 }], { additiveOnly: false });
  const stable = await store.revision();
  await assert.rejects(control.replaceMembers(p.id, [{ address: '10.0.0.7', protocol_port: 80 }, { address: 'nope', protocol_port: 80 }], { additiveOnly: false }), {
    code: 'CIDR_INVALID',
    message: /members\[1\]\.address/,
  });
  await assert.rejects(control.replaceMembers(p.id, [{ address: '10.0.0.7', protocol_port: 80 }, { address: '10.0.0.7', protocol_port: 80 }], { additiveOnly: false }), { code: 'INVALID_BODY', message: /members\[1\].*listed twice/ });
  await assert.rejects(control.replaceMembers(p.id, [{ address: '10.0.0.7', protocol_port: 80, weight: 999 }], { additiveOnly: false }), { code: 'INVALID_BODY', message: /members\[0\]\.weight/ });
  await assert.rejects(control.replaceMembers(p.id, [{ address: '10.0.0.7' }], { additiveOnly: false }), { code: 'INVALID_BODY', message: /members\[0\]\.protocol_port.*TCP/ });
  await assert.rejects(control.replaceMembers(p.id, { address: '10.0.0.7' }, { additiveOnly: false }), { code: 'INVALID_BODY', message: /members/ });
  await assert.rejects(control.replaceMembers(p.id, [{ address: '10.0.0.1', protocol_port: 80, subnet_id: 'other' }], { additiveOnly: false }), { code: 'IMMUTABLE_FIELD' });
  await assert.rejects(control.replaceMembers('nope', [], { additiveOnly: false }), { code: 'NOT_FOUND' });
  assert.equal(await store.revision(), stable);
  assert.deepEqual(await members(), [['10.0.0.1', 80, 1, '']]);

  // HTTP pools default the port to 80, as a single member create does.
  const web = await pool(control, { listener_id: (await listener(control, lb.id)).id });
  await control.replaceMembers(web.id, [{ address: '10.1.0.1' }], { additiveOnly: false });
  assert.deepEqual((await control.list('member', { query: {} }, { pool_id: web.id })).map((m) => m.protocol_port), [80]);
});
