// The HTTP layer of the API in-process (fastify inject) over a recording stand-in control plane:
// envelopes, both prefixes, auth, the error shape of fastify's own errors, fields, 405, openapi.
// The real control plane behind the real process is covered by api.test.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createApiServer } from '../../src/api/server.js';
import type { ControlPlane, ResourceView } from '../../src/control/control-plane.js';
import { ElbowError } from '../../src/errors.js';
import type { ResourceKind } from '../../src/model/types.js';

const TOKEN = 'test-token';

/** Keeps resources in a map and records every call, so the test sees what the API passed on. */
function recordingControlPlane() {
  const resources = new Map<string, ResourceView & { kind: ResourceKind }>();
  const calls: { method: string; kind?: string; args: unknown[] }[] = [];
  const find = (kind: ResourceKind, id: string) => {
    const found = resources.get(id);
    if (!found || found.kind !== kind) throw new ElbowError('NOT_FOUND', { kind, id });
    return found;
  };
  const control: ControlPlane = {
    async create(kind, body, parent) {
      calls.push({ method: 'create', kind, args: [body, parent] });
      const view = { ...(body as object), ...parent, id: randomUUID(), kind };
      resources.set(view.id, view);
      return view;
    },
    async update(kind, id, body, parent) {
      calls.push({ method: 'update', kind, args: [id, body, parent] });
      const view = { ...find(kind, id), ...(body as object) };
      resources.set(id, view);
      return view;
    },
    async remove(kind, id, options) {
      calls.push({ method: 'remove', kind, args: [id, options] });
      find(kind, id);
      resources.delete(id);
    },
    async show(kind, id, parent) {
      calls.push({ method: 'show', kind, args: [id, parent] });
      return find(kind, id);
    },
    async list(kind, params, parent) {
      calls.push({ method: 'list', kind, args: [params, parent] });
      return [...resources.values()].filter((view) => view.kind === kind);
    },
    async listAmphorae() {
      return [];
    },
    async showAmphora(id) {
      throw new ElbowError('NOT_FOUND', { kind: 'amphora', id });
    },
    async amphoraStats(id) {
      throw new ElbowError('NOT_FOUND', { kind: 'amphora', id });
    },
    async failover(kind, id) {
      calls.push({ method: 'failover', kind, args: [id] });
    },
    async quotaDefaults(projectId) {
      return { id: projectId ?? '', loadbalancer: -1 };
    },
    async replaceMembers(poolId, members, options) {
      calls.push({ method: 'replaceMembers', kind: 'member', args: [poolId, members, options] });
    },
    async statusTree(id) {
      find('loadbalancer', id);
      return { statuses: { loadbalancer: { id, listeners: [] } } };
    },
    async stats(kind, id) {
      find(kind, id);
      return { stats: { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 } };
    },
  };
  return { control, calls };
}

describe('API server (HTTP layer)', () => {
  const { control, calls } = recordingControlPlane();
  const app = createApiServer({ control, token: TOKEN, metrics: async () => 'elbow_up 1\n', version: '9.9.9' });
  after(() => app.close());
  const auth = { 'x-auth-token': TOKEN };

  it('wraps bodies as Octavia does, under both prefixes', async () => {
    const created = await app.inject({ method: 'POST', url: '/v2/lbaas/loadbalancers', headers: auth, payload: { loadbalancer: { name: 'a' } } });
    assert.equal(created.statusCode, 201);
    const lb = created.json().loadbalancer;
    assert.equal(lb.name, 'a');
    const shown = await app.inject({ method: 'GET', url: `/v2.0/lbaas/loadbalancers/${lb.id}`, headers: auth });
    assert.equal(shown.statusCode, 200);
    assert.equal(shown.json().loadbalancer.id, lb.id);
    const listed = await app.inject({ method: 'GET', url: '/v2.0/lbaas/loadbalancers/?name=a', headers: auth });
    assert.deepEqual(Object.keys(listed.json()).sort(), ['loadbalancers', 'loadbalancers_links']);
    assert.equal(listed.json().loadbalancers.length, 1);
    assert.deepEqual({ ...(calls.at(-1)?.args[0] as { query: object }).query }, { name: 'a' });
    const updated = await app.inject({ method: 'PUT', url: `/v2/lbaas/loadbalancers/${lb.id}`, headers: auth, payload: { loadbalancer: { name: 'b' } } });
    assert.equal(updated.json().loadbalancer.name, 'b');
    const deleted = await app.inject({ method: 'DELETE', url: `/v2/lbaas/loadbalancers/${lb.id}?cascade=True`, headers: { ...auth, 'content-type': 'application/json' } });
    assert.equal(deleted.statusCode, 204);
    assert.deepEqual(calls.at(-1), { method: 'remove', kind: 'loadbalancer', args: [lb.id, { cascade: true }] });
  });

  it('passes the parent id of members and l7 rules, with their envelopes', async () => {
    const member = await app.inject({ method: 'POST', url: '/v2/lbaas/pools/p1/members', headers: auth, payload: { member: { address: '127.0.0.1' } } });
    assert.equal(member.statusCode, 201);
    assert.deepEqual(calls.at(-1)?.args, [{ address: '127.0.0.1' }, { pool_id: 'p1' }]);
    const rules = await app.inject({ method: 'GET', url: '/v2/lbaas/l7policies/x1/rules', headers: auth });
    assert.ok(Array.isArray(rules.json().rules));
    assert.deepEqual(calls.at(-1)?.args[1], { l7policy_id: 'x1' });
    const rule = await app.inject({ method: 'POST', url: '/v2/lbaas/l7policies/x1/rules', headers: auth, payload: { rule: { type: 'PATH' } } });
    assert.equal(rule.statusCode, 201);
    assert.ok(rule.json().rule.id);
  });

  it('returns only the requested fields, and a next link when a page is full', async () => {
    await app.inject({ method: 'POST', url: '/v2/lbaas/ipgroups', headers: auth, payload: { ipgroup: { name: 'g1', ip_list: [] } } });
    await app.inject({ method: 'POST', url: '/v2/lbaas/ipgroups', headers: auth, payload: { ipgroup: { name: 'g2', ip_list: [] } } });
    const res = await app.inject({ method: 'GET', url: '/v2/lbaas/ipgroups?fields=id&fields=name&limit=2&name=g', headers: auth });
    const body = res.json();
    assert.deepEqual(Object.keys(body.ipgroups[0]).sort(), ['id', 'name']);
    const next = new URL(body.ipgroups_links[0].href);
    assert.equal(next.searchParams.get('marker'), body.ipgroups[1].id);
    assert.equal(next.searchParams.get('name'), 'g');
    const one = await app.inject({ method: 'GET', url: `/v2/lbaas/ipgroups/${body.ipgroups[0].id}?fields=name`, headers: auth });
    assert.deepEqual(one.json(), { ipgroup: { name: 'g1' } });
  });

  it("answers the openstack CLI's Neutron lookups of opaque subnet, network and port ids", async () => {
    const byName = await app.inject({ url: '/v2.0/subnets?name=sub1', headers: auth });
    assert.deepEqual(byName.json(), { subnets: [{ id: 'sub1', name: 'sub1' }] });
    const byId = await app.inject({ url: '/v2.0/networks?id=n1', headers: auth });
    assert.deepEqual(byId.json(), { networks: [{ id: 'n1', name: 'n1' }] });
    assert.equal((await app.inject({ url: '/v2.0/ports?name=x' })).statusCode, 401);
  });

  it('requires the token in X-Auth-Token or Authorization: Bearer', async () => {
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [{ 'x-auth-token': 'wrong' }, 401],
      [{ authorization: 'Bearer wrong' }, 401],
      [{ authorization: `Basic ${TOKEN}` }, 401],
      [{ 'x-auth-token': TOKEN }, 200],
      [{ authorization: `Bearer ${TOKEN}` }, 200],
      [{ authorization: `bearer ${TOKEN}` }, 200],
    ];
    for (const [headers, status] of cases) {
      const res = await app.inject({ method: 'GET', url: '/v2/lbaas/pools', headers });
      assert.equal(res.statusCode, status, JSON.stringify(headers));
      if (status === 401) assert.deepEqual(res.json(), new ElbowError('UNAUTHORIZED').toJSON());
    }
    for (const url of ['/', '/healthz', '/metrics']) assert.equal((await app.inject({ url })).statusCode, 200, url);
    assert.equal((await app.inject({ url: '/openapi.json' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/no/such/route' })).statusCode, 401);
  });

  it("maps fastify's own errors to the error JSON", async () => {
    const post = (payload: string | Buffer, contentType = 'application/json') =>
      app.inject({ method: 'POST', url: '/v2/lbaas/pools', headers: { ...auth, 'content-type': contentType }, payload });
    const expect = async (res: Promise<{ statusCode: number; json(): unknown }>, status: number, code: string) => {
      const answered = await res;
      assert.equal(answered.statusCode, status);
      assert.equal((answered.json() as { code: string }).code, code);
      assert.equal((answered.json() as { faultcode: string }).faultcode, 'Client');
    };
    await expect(post('{"pool": '), 400, 'INVALID_JSON');
    await expect(post('{"__proto__": {"x": 1}}'), 400, 'INVALID_JSON');
    await expect(post(''), 400, 'INVALID_BODY');
    await expect(post('[]'), 400, 'INVALID_BODY');
    await expect(post('{"listener": {}}'), 400, 'INVALID_BODY');
    await expect(post('{"pool": [1]}'), 400, 'INVALID_BODY');
    await expect(post('name=x', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expect(post('{"pool": {}}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expect(post(Buffer.alloc(1024 * 1024 + 10, 0x20)), 413, 'BODY_TOO_LARGE');
    await expect(app.inject({ method: 'GET', url: '/v2/lbaas/nothing', headers: auth }), 404, 'ROUTE_NOT_FOUND');
    await expect(app.inject({ method: 'GET', url: `/v2/lbaas/pools/${'a'.repeat(300)}`, headers: auth }), 404, 'ROUTE_NOT_FOUND');
    await expect(app.inject({ method: 'GET', url: '/v2/lbaas/pools/%zz', headers: auth }), 400, 'INVALID_QUERY');
    await expect(app.inject({ method: 'GET', url: '/v2/lbaas/pools/nope', headers: auth }), 404, 'NOT_FOUND');
    const wrongMethod = app.inject({ method: 'PATCH', url: '/v2/lbaas/pools/abc', headers: auth });
    await expect(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
    assert.match(String((await wrongMethod).headers.allow), /PUT/);
  });

  it('serves versions, metrics, and an OpenAPI document with a path per route', async () => {
    const root = (await app.inject({ url: '/' })).json();
    assert.equal(root.versions[0].id, 'v2.0');
    const metrics = await app.inject({ url: '/metrics' });
    assert.equal(metrics.body, 'elbow_up 1\n');
    assert.match(String(metrics.headers['content-type']), /^text\/plain/);
    const doc = (await app.inject({ url: '/openapi.json', headers: auth })).json();
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.version, '9.9.9');
    for (const path of ['/v2/lbaas/pools/{pool_id}/members/{id}', '/v2.0/lbaas/l7policies/{l7policy_id}/rules', '/v2/lbaas/listeners/{id}/stats', '/metrics']) {
      assert.ok(doc.paths[path], path);
    }
    assert.ok(doc.components.schemas.ListenerCreate.properties.protocol_port);
    // Every $ref points at a schema the document defines.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((match) => match[1] ?? '');
    assert.ok(refs.length > 0);
    for (const name of new Set(refs)) assert.ok(doc.components.schemas[name], name);
  });
});
