// The API of a real `elbow serve` process over HTTP: every resource's CRUD with Octavia's
// envelopes under both prefixes, auth, 404/400/405/413/415, a fuzz that tries hard to get a 500,
// the OpenAPI document against the real routes, /metrics and the versions document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { RESOURCE_ROUTES } from '../../src/api/resources.js';
import { ERRORS } from '../../src/errors.js';
import { startElbow, type ApiAnswer, type ElbowProcess } from '../helpers/elbow-process.js';
import { createTestCa, type TestCa } from '../helpers/test-ca.js';
import { reservePorts } from '../helpers/ports.js';

const ERROR_CODES = new Set(Object.keys(ERRORS));
const V2 = '/v2/lbaas';
const V20 = '/v2.0/lbaas';
/** A high port unlikely to be taken, so the data plane can bind the test's listener. */
/** Four ports in a row for listeners, from the one allocator (helpers/ports.ts). */
const LISTENER_PORT = await reservePorts(4);
/** A loopback VIP other tests running alongside are unlikely to use. */
const randomVip = () => `127.0.${100 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 250)}`;

let elbow: ElbowProcess;
let ca: TestCa;
before(async () => {
  elbow = await startElbow();
  ca = createTestCa();
});
after(async () => {
  ca?.close();
  await elbow?.stop();
});

function expectStatus(answer: ApiAnswer, status: number, what: string): void {
  assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
}

function expectError(answer: ApiAnswer, status: number, code?: string): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.faultcode, status >= 500 ? 'Server' : 'Client');
  assert.equal(typeof answer.body.faultstring, 'string');
  if (code !== undefined) assert.equal(answer.body.code, code);
}

/** Raw request, for bodies and headers the helper's api() does not send. */
async function raw(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<ApiAnswer> {
  const response = await fetch(new URL(path, elbow.url), { method, headers: init.headers, body: init.body, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body };
}

function isTemplate(value: unknown): value is { template: true; changes: Record<string, unknown> } {
  return typeof value === 'object' && value !== null && (value as { template?: unknown }).template === true;
}

describe('resources over HTTP', () => {
  it('creates, shows, lists, updates and deletes every resource with Octavia envelopes, under both prefixes', async () => {
    // [collection path, envelope, plural, create body, update body]; created in this order, deleted in reverse.
    const server = ca.issueServer(['www.example.test']);
    const created: { path: string; singular: string; id: string }[] = [];
    const crud = async (collection: string, singular: string, plural: string, body: Record<string, unknown>, change: Record<string, unknown>) => {
      const made = await elbow.api('POST', `${V2}/${collection}`, { [singular]: body });
      expectStatus(made, 201, `create ${singular}`);
      const view = made.body[singular];
      assert.equal(typeof view.id, 'string');
      created.push({ path: `${collection}/${view.id}`, singular, id: view.id });

      const shown = await elbow.api('GET', `${V20}/${collection}/${view.id}`);
      expectStatus(shown, 200, `show ${singular}`);
      assert.equal(shown.body[singular].id, view.id);

      const listed = await elbow.api('GET', `${V20}/${collection}`);
      expectStatus(listed, 200, `list ${plural}`);
      assert.ok(Array.isArray(listed.body[`${plural}_links`]), `${plural}_links`);
      assert.ok(listed.body[plural].some((item: { id: string }) => item.id === view.id), `${plural} lists the new one`);

      const updated = await elbow.api('PUT', `${V2}/${collection}/${view.id}`, { [singular]: change });
      expectStatus(updated, 200, `update ${singular}`);
      for (const [field, value] of Object.entries(change)) assert.deepEqual(updated.body[singular][field], value, `${singular}.${field}`);
      return view;
    };

    const lb = await crud('loadbalancers', 'loadbalancer', 'loadbalancers', { name: 'crud-lb', description: 'e2e', vip_subnet_id: 'sub1', vip_address: randomVip() }, { name: 'crud-lb-2' });
    assert.equal(lb.provisioning_status, 'ACTIVE');
    for (const field of ['provider', 'flavor_id', 'availability_zone', 'vip_address', 'operating_status', 'listeners', 'pools']) assert.ok(field in lb, field);
    const listener = await crud(
      'listeners',
      'listener',
      'listeners',
      { name: 'crud-listener', loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: LISTENER_PORT },
      { name: 'crud-listener-2', connection_limit: 100 },
    );
    const pool = await crud(
      'pools',
      'pool',
      'pools',
      { name: 'crud-pool', listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
      { lb_algorithm: 'LEAST_CONNECTIONS' },
    );
    const member = await crud(`pools/${pool.id}/members`, 'member', 'members', { name: 'crud-member', address: '127.0.0.1', protocol_port: 9 }, { weight: 5 });
    assert.equal(member.pool_id, pool.id);
    await crud('healthmonitors', 'healthmonitor', 'healthmonitors', { name: 'crud-hm', pool_id: pool.id, type: 'HTTP', delay: 5, timeout: 3, max_retries: 2 }, { delay: 7 });
    const policy = await crud('l7policies', 'l7policy', 'l7policies', { name: 'crud-policy', listener_id: listener.id, action: 'REJECT' }, { name: 'crud-policy-2' });
    await crud(`l7policies/${policy.id}/rules`, 'rule', 'rules', { type: 'PATH', compare_type: 'STARTS_WITH', value: '/api' }, { value: '/v2' });
    const certificate = await crud(
      'certificates',
      'certificate',
      'certificates',
      { name: 'crud-cert', type: 'server', certificate: server.certificatePem, private_key: server.privateKeyPem },
      { name: 'crud-cert-2' },
    );
    assert.equal('private_key' in certificate, false, 'the private key is never returned');
    await crud('ipgroups', 'ipgroup', 'ipgroups', { name: 'crud-ipgroup', ip_list: [{ ip: '192.0.2.0/24' }] }, { name: 'crud-ipgroup-2' });

    const filtered = await elbow.api('GET', `${V2}/listeners?loadbalancer_id=${lb.id}&fields=id&fields=protocol_port`);
    assert.deepEqual(filtered.body.listeners, [{ id: listener.id, protocol_port: LISTENER_PORT }]);

    const status = await elbow.api('GET', `${V2}/loadbalancers/${lb.id}/status`);
    expectStatus(status, 200, 'status tree');
    assert.equal(status.body.statuses.loadbalancer.id, lb.id);
    for (const path of [`loadbalancers/${lb.id}/stats`, `listeners/${listener.id}/stats`]) {
      const stats = await elbow.api('GET', `${V20}/${path}`);
      expectStatus(stats, 200, path);
      assert.equal(typeof stats.body.stats.bytes_in, 'number');
    }

    // Reverse creation order, except that the listener goes before the pool it uses by default.
    const deletions = created.reverse();
    const listenerAt = deletions.findIndex((entry) => entry.singular === 'listener');
    const poolAt = deletions.findIndex((entry) => entry.singular === 'pool');
    deletions.splice(poolAt, 0, ...deletions.splice(listenerAt, 1));
    for (const { path, singular } of deletions) {
      expectStatus(await elbow.api('DELETE', `${V2}/${path}`), 204, `delete ${singular}`);
      expectError(await elbow.api('GET', `${V2}/${path}`), 404, 'NOT_FOUND');
    }
  });

  it('deletes a load balancer with everything below it when asked to cascade', async () => {
    const lb = (await elbow.api('POST', `${V2}/loadbalancers`, { loadbalancer: { name: 'cascade', vip_subnet_id: 'sub1', vip_address: randomVip() } })).body.loadbalancer;
    const listener = await elbow.api('POST', `${V2}/listeners`, { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: LISTENER_PORT + 1 } });
    expectStatus(listener, 201, 'listener');
    expectError(await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}`), 400, 'LOADBALANCER_HAS_CHILDREN');
    expectStatus(await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}?cascade=true`), 204, 'cascade delete');
    expectError(await elbow.api('GET', `${V2}/listeners/${listener.body.listener.id}`), 404, 'NOT_FOUND');
  });

  it('answers 404 NOT_FOUND for an unknown id of every kind (every project has a quota: the defaults)', async () => {
    for (const route of RESOURCE_ROUTES.filter((r) => r.kind !== 'quota')) {
      const path = route.collectionPath.replace(/:\w+/g, 'no-such-parent');
      expectError(await elbow.api('GET', `${V2}/${path}/no-such-id`), 404, 'NOT_FOUND');
      expectError(await elbow.api('PUT', `${V2}/${path}/no-such-id`, { [route.singular]: {} }), 404);
      expectError(await elbow.api('DELETE', `${V2}/${path}/no-such-id`), 404, 'NOT_FOUND');
    }
  });

  it('answers 400 for invalid input, naming the problem', async () => {
    const lb = (await elbow.api('POST', `${V2}/loadbalancers`, { loadbalancer: { name: 'bad-input', vip_subnet_id: 'sub1' } })).body.loadbalancer;
    const listener = (body: Record<string, unknown>) => elbow.api('POST', `${V2}/listeners`, { listener: { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 8080, ...body } });
    for (const port of [0, 65536, -1, 80.5, '80']) expectError(await listener({ protocol_port: port }), 400);
    expectError(await listener({ protocol: 'FTP' }), 400);
    expectError(await listener({ no_such_field: 1 }), 400);
    expectError(await elbow.api('POST', `${V2}/listeners`, { loadbalancer_id: lb.id }), 400, 'INVALID_BODY');
    expectError(await elbow.api('POST', `${V2}/listeners`, { listener: 'x' }), 400, 'INVALID_BODY');
    expectStatus(await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}?cascade=true`), 204, 'cleanup');
  });
});

describe('HTTP layer of the real process', () => {
  it('requires the token via X-Auth-Token or Authorization: Bearer', async () => {
    expectError(await raw('GET', `${V2}/loadbalancers`), 401, 'UNAUTHORIZED');
    expectError(await raw('GET', `${V2}/loadbalancers`, { headers: { 'x-auth-token': 'wrong' } }), 401, 'UNAUTHORIZED');
    expectError(await raw('GET', `${V2}/loadbalancers`, { headers: { authorization: 'Bearer wrong' } }), 401, 'UNAUTHORIZED');
    expectError(await raw('GET', `${V2}/loadbalancers`, { headers: { 'x-auth-token': `${elbow.token}x` } }), 401, 'UNAUTHORIZED');
    expectStatus(await raw('GET', `${V2}/loadbalancers`, { headers: { authorization: `Bearer ${elbow.token}` } }), 200, 'bearer');
    expectStatus(await raw('GET', `${V20}/loadbalancers`, { headers: { 'x-auth-token': elbow.token } }), 200, 'x-auth-token');
  });

  it('maps malformed JSON, wrong content types, big bodies, unknown routes and wrong methods', async () => {
    const headers = { 'x-auth-token': elbow.token, 'content-type': 'application/json' };
    expectError(await raw('POST', `${V2}/pools`, { headers, body: '{"pool": {' }), 400, 'INVALID_JSON');
    expectError(await raw('POST', `${V2}/pools`, { headers, body: 'null' }), 400, 'INVALID_BODY');
    expectError(await raw('POST', `${V2}/pools`, { headers: { ...headers, 'content-type': 'text/plain' }, body: '{}' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await raw('POST', `${V2}/pools`, { headers, body: Buffer.alloc(2 * 1024 * 1024, 0x20) }), 413, 'BODY_TOO_LARGE');
    expectError(await raw('GET', `${V2}/nothing-here`, { headers }), 404, 'ROUTE_NOT_FOUND');
    expectError(await raw('POST', `${V2}/pools/some-id`, { headers, body: '{}' }), 405, 'METHOD_NOT_ALLOWED');
  });

  it('never answers 500, whatever the body, query or id', async (t) => {
    // Real resources to point at, so that requests get past validation into the rules and the store.
    const vip = randomVip();
    const made = async (path: string, key: string, body: Record<string, unknown>) => {
      const answer = await elbow.api('POST', `${V2}/${path}`, { [key]: body });
      expectStatus(answer, 201, `fuzz fixture ${key}`);
      return answer.body[key].id as string;
    };
    const lbId = await made('loadbalancers', 'loadbalancer', { name: 'fuzz', vip_address: vip });
    const listenerId = await made('listeners', 'listener', { loadbalancer_id: lbId, protocol: 'HTTP', protocol_port: LISTENER_PORT + 2 });
    const poolId = await made('pools', 'pool', { listener_id: listenerId, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    const memberId = await made(`pools/${poolId}/members`, 'member', { address: '127.0.0.1', protocol_port: 9 });
    const policyId = await made('l7policies', 'l7policy', { listener_id: listenerId, action: 'REJECT' });
    const ipgroupId = await made('ipgroups', 'ipgroup', { ip_list: [{ ip: '192.0.2.1' }] });
    const realIds = [lbId, listenerId, poolId, memberId, policyId, ipgroupId];

    const collections = RESOURCE_ROUTES.map((route) => ({ route, path: `${V2}/${route.collectionPath.replace(':pool_id', poolId).replace(':l7policy_id', policyId)}` }));
    const nasty = fc.oneof(
      fc.anything({ maxDepth: 3, withBigInt: false, withNullPrototype: true, withObjectString: true }),
      fc.constantFrom(null, [], [null], 1e308, -0, Number.MAX_SAFE_INTEGER + 2, -1, '', '\u0000', '😀'.repeat(300), 'a'.repeat(70_000), { __proto__: null }),
      // Plausible values, so some requests are valid or nearly so.
      fc.constantFrom(...realIds, 'HTTP', 'HTTPS', 'TCP', 'UDP', 'SSL', 'PROXY', 'ROUND_ROBIN', 'SOURCE_IP', 'REJECT', 'REDIRECT_TO_POOL', 'FIXED_RESPONSE'),
      fc.constantFrom('PATH', 'HOST_NAME', 'EQUAL_TO', 'REGEX', '([', '127.0.0.1', '::1', vip, '0.0.0.0', '10.0.0.0/8', 'server', 'client', true, false, 80, 443, 65535, 65536, 0),
    );
    const fieldNames = fc.constantFrom(
      'name', 'protocol', 'protocol_port', 'loadbalancer_id', 'listener_id', 'pool_id', 'address', 'weight', 'delay', 'timeout', 'max_retries', 'type',
      'action', 'value', 'compare_type', 'ip_list', 'certificate', 'private_key', 'session_persistence', 'insert_headers', 'allowed_cidrs', 'vip_address',
      'ipgroup', 'tags', 'admin_state_up', 'default_pool_id', 'fixed_response_config', 'position', 'url_path', 'expected_codes', 'sni_container_refs',
      'redirect_pool_id', 'redirect_listener_id', 'default_tls_container_ref', 'vip_subnet_id', 'monitor_port', 'backup', 'connection_limit',
    );
    // Valid bodies with one or two fields replaced: these get past the schema into the rules.
    const server = ca.issueServer(['fuzz.example.test']);
    const templates: Record<string, Record<string, unknown>> = {
      loadbalancer: { name: 'fuzz-lb', vip_subnet_id: 's' },
      listener: { loadbalancer_id: lbId, protocol: 'TCP', protocol_port: LISTENER_PORT + 3 },
      pool: { loadbalancer_id: lbId, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' },
      member: { address: '127.0.0.1', protocol_port: 10 },
      healthmonitor: { pool_id: poolId, type: 'HTTP', delay: 5, timeout: 3, max_retries: 2 },
      l7policy: { listener_id: listenerId, action: 'REDIRECT_TO_POOL', redirect_pool_id: poolId },
      l7rule: { type: 'PATH', compare_type: 'STARTS_WITH', value: '/a' },
      certificate: { type: 'server', certificate: server.certificatePem, private_key: server.privateKeyPem },
      ipgroup: { ip_list: [{ ip: '192.0.2.1' }] },
    };
    const body = fc.oneof(nasty, fc.dictionary(fieldNames, nasty, { maxKeys: 6 }), fc.record({ template: fc.constant(true), changes: fc.dictionary(fieldNames, nasty, { maxKeys: 2 }) }));
    const request = fc.record({
      target: fc.constantFrom(...collections),
      method: fc.constantFrom('POST', 'PUT', 'GET', 'DELETE'),
      wrapped: fc.boolean(),
      body,
      id: fc.oneof(fc.constant('x'), fc.constantFrom(...realIds), fc.string({ maxLength: 40 }), fc.constant('%00'), fc.constant('a'.repeat(500))),
      query: fc.dictionary(fc.constantFrom('limit', 'marker', 'fields', 'name', 'cascade', 'protocol_port', 'sort', 'page_reverse'), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    });
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ target, method, wrapped, body: payload, id, query }) => {
        const onItem = method === 'PUT' || method === 'DELETE' || (method === 'GET' && id !== 'x');
        const path = onItem ? `${target.path}/${encodeURIComponent(id) || 'x'}` : target.path;
        const search = new URLSearchParams(query).toString();
        const filled = isTemplate(payload) ? { ...templates[target.route.kind], ...payload.changes } : payload;
        const json = JSON.stringify(wrapped || isTemplate(payload) ? { [target.route.singular]: filled } : filled) ?? 'null';
        const answer = await raw(method, `${path}${search ? `?${search}` : ''}`, {
          headers: { 'x-auth-token': elbow.token, ...(method === 'POST' || method === 'PUT' ? { 'content-type': 'application/json' } : {}) },
          ...(method === 'POST' || method === 'PUT' ? { body: json } : {}),
        });
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        assert.ok(answer.status < 500, `${method} ${path}?${search} ${json.slice(0, 300)} → ${answer.status} ${JSON.stringify(answer.body)}`);
        if (answer.status >= 400) assert.ok(ERROR_CODES.has((answer.body as { code?: string }).code ?? ''), `error JSON: ${JSON.stringify(answer.body)}`);
      }),
      { numRuns: Number(process.env.ELBOW_FUZZ_RUNS ?? 400) },
    );
    t.diagnostic(`answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expectStatus(await raw('GET', '/healthz'), 200, 'still up');
  });

  it('publishes an OpenAPI document whose every path and method is a real route', async () => {
    const doc = (await elbow.api('GET', '/openapi.json')).body;
    assert.equal(doc.openapi, '3.1.0');
    for (const route of RESOURCE_ROUTES) {
      for (const prefix of [V2, V20]) assert.ok(doc.paths[`${prefix}/${route.collectionPath.replace(/:(\w+)/g, '{$1}')}/{id}`], route.kind);
    }
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item).filter((key) => key !== 'parameters')) {
        const answer = await raw(method.toUpperCase(), path.replace(/\{\w+\}/g, 'x'), {
          headers: { 'x-auth-token': elbow.token, ...(method === 'post' || method === 'put' ? { 'content-type': 'application/json' } : {}) },
          ...(method === 'post' || method === 'put' ? { body: '{}' } : {}),
        });
        assert.ok(!['ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED'].includes((answer.body as { code?: string }).code ?? ''), `${method} ${path}`);
      }
    }
  });

  it('serves the versions document, /healthz and /metrics without a token', async () => {
    const root = await raw('GET', '/');
    expectStatus(root, 200, 'GET /');
    assert.equal((root.body as { versions: { id: string; status: string }[] }).versions[0]?.status, 'CURRENT');
    expectStatus(await raw('GET', '/healthz'), 200, '/healthz');
    const metrics = await fetch(new URL('/metrics', elbow.url));
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
    await metrics.text();
  });
});
