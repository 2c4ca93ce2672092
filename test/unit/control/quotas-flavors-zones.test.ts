// Quotas (per project, enforced in the create's transaction), projects of resources, providers,
// flavors and their profiles (listener defaults applied by the snapshot builder), availability
// zones and their profiles (the zone's VIP range).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderConfig } from '../../../src/engines/haproxy/render.js';
import { buildSnapshot } from '../../../src/snapshot/build-snapshot.js';
import { listener, loadBalancer, pool } from './fixtures.js';
import { codeOf, controlPlaneFor } from './setup.js';

test('quotas: -1 by default, set per project (both spellings), enforced with 403 inside the transaction, reset by delete', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const unlimited = { loadbalancer: -1, load_balancer: -1, listener: -1, pool: -1, member: -1, healthmonitor: -1, health_monitor: -1, l7policy: -1, l7rule: -1 };
  assert.deepEqual(await control.quotaDefaults(), { id: '', ...unlimited });
  assert.deepEqual(await control.show('quota', 'tenant-a'), { id: 'tenant-a', project_id: 'tenant-a', ...unlimited });
  assert.deepEqual(await control.list('quota', { query: {} }), [], 'only projects with a quota of their own are listed');

  const set = await control.update('quota', 'tenant-a', { load_balancer: 1, listener: 2, member: 2, health_monitor: 0 });
  assert.equal(set.project_id, 'tenant-a');
  assert.deepEqual([set.loadbalancer, set.load_balancer, set.listener, set.member, set.healthmonitor, set.health_monitor, set.pool], [1, 1, 2, 2, 0, 0, -1]);
  assert.deepEqual((await control.list('quota', { query: {} })).map((q) => q.id), ['tenant-a']);

  const asA = { projectId: 'tenant-a' };
  const lb = await control.create('loadbalancer', { vip_subnet_id: 's' }, undefined, asA);
  assert.equal(lb.project_id, 'tenant-a');
  await assert.rejects(control.create('loadbalancer', { vip_subnet_id: 's' }, undefined, asA), {
    code: 'QUOTA_EXCEEDED',
    status: 403,
    message: 'Quota has been met for resources: Load Balancer',
  });
  await assert.rejects(control.create('loadbalancer', { vip_subnet_id: 's', project_id: 'tenant-a' }), { code: 'QUOTA_EXCEEDED' }, 'the body may name the project');
  // Another project is not limited; the children of a load balancer count in its project.
  const other = await control.create('loadbalancer', { vip_subnet_id: 's' }, undefined, { projectId: 'tenant-b' });
  assert.equal(other.project_id, 'tenant-b');
  assert.equal((await loadBalancer(control)).project_id, 'elbow', "without a project, the server's");
  const l1 = await listener(control, lb.id, 'HTTP', 80);
  assert.equal(l1.project_id, 'tenant-a', "a listener is in its load balancer's project, whoever asks");
  await listener(control, lb.id, 'TCP', 81);
  assert.equal(await codeOf(() => listener(control, lb.id, 'TCP', 82)), 'QUOTA_EXCEEDED');
  for (let port = 80; port < 84; port++) await listener(control, other.id, 'TCP', port);

  const p = await pool(control, { listener_id: l1.id });
  assert.equal(p.project_id, 'tenant-a');
  assert.equal(await codeOf(() => control.create('healthmonitor', { pool_id: p.id, type: 'TCP', delay: 5, timeout: 3, max_retries: 2 })), 'QUOTA_EXCEEDED', 'a limit of 0');
  // Batch updates: members beyond the limit are refused, and nothing of the batch is written.
  await control.replaceMembers(p.id, [{ address: '10.0.0.1' }, { address: '10.0.0.2' }], { additiveOnly: false });
  const before = await store.revision();
  await assert.rejects(control.replaceMembers(p.id, [{ address: '10.0.0.3' }], { additiveOnly: true }), { code: 'QUOTA_EXCEEDED', message: /Member/ });
  assert.equal(await store.revision(), before);
  await control.replaceMembers(p.id, [{ address: '10.0.0.3' }, { address: '10.0.0.4' }], { additiveOnly: false });
  assert.deepEqual((await control.list('member', { query: {} }, { pool_id: p.id })).map((m) => m.address), ['10.0.0.3', '10.0.0.4'], 'replacing within the limit is fine');
  // A single-call create beyond a limit writes nothing at all.
  await control.update('quota', 'tenant-a', { loadbalancer: 5, pool: 1 });
  await assert.rejects(
    control.create('loadbalancer', { vip_subnet_id: 's', pools: [{ name: 'a', protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' }] }, undefined, asA),
    { code: 'QUOTA_EXCEEDED', message: /Pool/ },
  );
  assert.equal((await control.list('loadbalancer', { query: { project_id: 'tenant-a' } })).length, 1, 'lists filter on project_id');

  // null puts one limit back to the default; delete resets them all.
  assert.equal((await control.update('quota', 'tenant-a', { pool: null })).pool, -1);
  await control.remove('quota', 'tenant-a');
  assert.deepEqual(await control.show('quota', 'tenant-a'), { id: 'tenant-a', project_id: 'tenant-a', ...unlimited });
  await control.create('loadbalancer', { vip_subnet_id: 's' }, undefined, asA);
  await control.remove('quota', 'never-set');
  assert.equal(await codeOf(() => control.update('quota', 'tenant-a', { loadbalancer: -2 })), 'INVALID_BODY');
});

test('providers: elbow and its aliases; any other is refused', async (t) => {
  const { control } = await controlPlaneFor(t);
  for (const provider of ['elbow', 'octavia', 'amphora']) assert.equal((await loadBalancer(control, { provider })).provider, provider);
  await assert.rejects(loadBalancer(control, { provider: 'f5' }), { code: 'PROVIDER_NOT_ENABLED', status: 400, message: "Provider 'f5' is not enabled." });
  await assert.rejects(control.create('flavorprofile', { name: 'x', provider_name: 'f5', flavor_data: '{}' }), { code: 'PROVIDER_NOT_ENABLED' });
});

test("flavors: a profile's flavor_data is checked and gives the listeners of the flavor's load balancers their defaults", async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const invalid = async (flavor_data: string, message: RegExp) =>
    assert.rejects(control.create('flavorprofile', { name: 'bad', provider_name: 'elbow', flavor_data }), { code: 'INVALID_BODY', status: 400, message });
  await invalid('{"compute_flavor": "m1.small"}', /unknown key "compute_flavor": elbow honours connection_limit/);
  await invalid('{"connection_limit": -5}', /connection_limit -5 is not a valid/);
  await invalid('{"tls_versions": ["TLSv9"]}', /TLSv9/);
  await invalid('not json', /not valid JSON/);
  await invalid('[1]', /must be a JSON object/);

  const profile = await control.create('flavorprofile', {
    name: 'small',
    provider_name: 'octavia',
    flavor_data: '{"connection_limit": 100, "timeout_client_data": 7000, "timeout_http_keep_alive": 900, "tls_versions": ["TLSv1.3"], "tls_ciphers": "HIGH"}',
  });
  const flavor = await control.create('flavor', { name: 'small', flavor_profile_id: profile.id, description: 'for tests' });
  assert.deepEqual([flavor.enabled, flavor.flavor_profile_id], [true, profile.id]);
  assert.equal(await codeOf(() => control.create('flavor', { name: 'small', flavor_profile_id: profile.id })), 'ALREADY_EXISTS');
  assert.equal(await codeOf(() => control.create('flavor', { name: 'other', flavor_profile_id: 'nope' })), 'OPTION_UNKNOWN');
  await assert.rejects(loadBalancer(control, { flavor_id: 'nope' }), { code: 'OPTION_UNKNOWN', status: 400, message: /Invalid flavor_id nope/ });

  const lb = await loadBalancer(control, { flavor_id: flavor.id });
  const plain = await listener(control, lb.id, 'HTTP', 80);
  const own = await listener(control, lb.id, 'TCP', 81, { connection_limit: 5, timeout_client_data: 60000 });
  const unflavored = await listener(control, (await loadBalancer(control)).id, 'HTTP', 80);
  const snapshot = buildSnapshot(await store.readAll());
  const part = (id: string) => snapshot.listeners.find((l) => l.id === id);
  assert.deepEqual([part(plain.id)?.connectionLimit, part(plain.id)?.timeouts.clientData, part(plain.id)?.httpKeepAliveMs], [100, 7000, 900]);
  assert.deepEqual([part(own.id)?.connectionLimit, part(own.id)?.timeouts.clientData, part(own.id)?.httpKeepAliveMs], [5, 60000, null], "its own values win; keep-alive is HTTP's only");
  assert.deepEqual([part(unflavored.id)?.connectionLimit, part(unflavored.id)?.timeouts.clientData], [-1, 50000]);
  assert.equal((await control.show('listener', plain.id)).connection_limit, -1, 'the listener shows what it was given');
  // Both engines get them through the snapshot: HAProxy's configuration carries the flavor's values.
  const haproxy = renderConfig(snapshot, { dir: '/var/lib/elbow/haproxy', hardStopAfterMs: 5000, threads: 1, accessLogTarget: null });
  const frontend = (id: string) => haproxy.frontends.get(id)?.text ?? '';
  assert.match(frontend(plain.id), /fe_conn gt 100\b/);
  assert.match(frontend(plain.id), /timeout client 7(s|000ms)\b/);
  assert.match(frontend(own.id), /fe_conn gt 5\b/);

  // What a flavor in use gives cannot change under its load balancers; nothing in use is deleted.
  await assert.rejects(control.update('flavorprofile', profile.id, { flavor_data: '{}' }), { code: 'IN_USE', status: 409, message: new RegExp(`in use by flavor ${flavor.id}`) });
  assert.equal((await control.update('flavorprofile', profile.id, { name: 'renamed' })).name, 'renamed');
  assert.equal(await codeOf(() => control.remove('flavorprofile', profile.id)), 'IN_USE');
  assert.equal(await codeOf(() => control.remove('flavor', flavor.id)), 'IN_USE');
  // A disabled flavor takes no new load balancers; its load balancers keep it.
  await control.update('flavor', flavor.id, { enabled: false });
  await assert.rejects(loadBalancer(control, { flavor_id: flavor.id }), { code: 'OPTION_DISABLED', status: 400, message: `The selected flavor is not allowed in this deployment: ${flavor.id}` });
  assert.equal(buildSnapshot(await store.readAll()).listeners.find((l) => l.id === plain.id)?.connectionLimit, 100);
  await control.remove('loadbalancer', lb.id, { cascade: true });
  await control.remove('flavor', flavor.id);
  await control.remove('flavorprofile', profile.id);
});

test("availability zones: keyed by name, checked on load balancers, their profile's vip_range used for VIPs", async (t) => {
  const { control } = await controlPlaneFor(t);
  await assert.rejects(control.create('availabilityzoneprofile', { name: 'p', provider_name: 'elbow', availability_zone_data: '{"compute_zone": "nova"}' }), { code: 'INVALID_BODY', message: /unknown key/ });
  await assert.rejects(control.create('availabilityzoneprofile', { name: 'p', provider_name: 'elbow', availability_zone_data: '{"vip_range": "127.0.5.9-127.0.5.1"}' }), { code: 'INVALID_BODY', message: /ends before it starts/ });
  const profile = await control.create('availabilityzoneprofile', { name: 'rack-a', provider_name: 'elbow', availability_zone_data: '{"vip_range": "127.0.5.1-127.0.5.2"}' });
  const zone = await control.create('availabilityzone', { name: 'zone-a', availability_zone_profile_id: profile.id });
  assert.equal(zone.id, 'zone-a', 'its name is its id');
  assert.equal((await control.show('availabilityzone', 'zone-a')).availability_zone_profile_id, profile.id);
  assert.equal(await codeOf(() => control.create('availabilityzone', { name: 'zone-a', availability_zone_profile_id: profile.id })), 'ALREADY_EXISTS');
  await control.create('availabilityzone', { name: 'plain', availability_zone_profile_id: (await control.create('availabilityzoneprofile', { name: 'p', provider_name: 'elbow', availability_zone_data: '{}' })).id });

  const vips = [];
  for (let i = 0; i < 2; i++) vips.push((await loadBalancer(control, { availability_zone: 'zone-a' })).vip_address);
  assert.deepEqual(vips, ['127.0.5.1', '127.0.5.2']);
  assert.equal(await codeOf(() => loadBalancer(control, { availability_zone: 'zone-a' })), 'VIP_RANGE_EXHAUSTED');
  assert.equal((await loadBalancer(control, { availability_zone: 'zone-a', vip_address: '127.0.9.9' })).vip_address, '127.0.9.9');
  assert.match(String((await loadBalancer(control, { availability_zone: 'plain' })).vip_address), /^127\.0\.1\./);
  await assert.rejects(loadBalancer(control, { availability_zone: 'nowhere' }), { code: 'OPTION_UNKNOWN', message: /availability_zone nowhere/ });
  await control.update('availabilityzone', 'zone-a', { enabled: false, description: 'full' });
  assert.equal(await codeOf(() => loadBalancer(control, { availability_zone: 'zone-a', vip_address: '127.0.9.8' })), 'OPTION_DISABLED');
  assert.equal(await codeOf(() => control.remove('availabilityzone', 'zone-a')), 'IN_USE');
  assert.equal(await codeOf(() => control.update('availabilityzoneprofile', profile.id, { availability_zone_data: '{}' })), 'IN_USE');
  assert.equal(await codeOf(() => control.remove('availabilityzoneprofile', profile.id)), 'IN_USE');
  assert.equal(await codeOf(() => control.update('availabilityzone', 'zone-a', { name: 'b' })), 'INVALID_BODY', 'a name is fixed');
});
