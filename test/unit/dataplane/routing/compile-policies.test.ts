import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { L7CompareType, L7RuleType } from '../../../../src/model/types.js';
import { compilePolicies, type RoutingDecision } from '../../../../src/dataplane/routing/compile-policies.js';
import { compileRule } from '../../../../src/dataplane/routing/compile-rule.js';
import { createRequestFacts } from '../../../../src/dataplane/routing/request-facts.js';
import type { SnapshotPolicy, SnapshotRule } from '../../../../src/snapshot/snapshot.js';

function rule(type: L7RuleType, compareType: L7CompareType, value: string, key: string | null = null, invert = false): SnapshotRule {
  return { id: `${type}-${value}`, type, compareType, key, value, invert };
}

function request(target: string, options: { method?: string; headers?: Record<string, string>; client?: string } = {}) {
  return createRequestFacts({
    method: options.method ?? 'GET',
    target,
    headers: { host: 'www.example.com:8080', ...options.headers },
    clientAddress: options.client ?? '192.0.2.10',
  });
}

describe('compileRule', () => {
  const cases: [string, SnapshotRule, ReturnType<typeof request>, boolean][] = [
    ['host equal (port ignored, any case)', rule('HOST_NAME', 'EQUAL_TO', 'WWW.example.com'), request('/'), true],
    ['host wildcard matches a subdomain', rule('HOST_NAME', 'EQUAL_TO', '*.example.com'), request('/'), true],
    ['host wildcard does not match the apex', rule('HOST_NAME', 'EQUAL_TO', '*.example.com'), request('/', { headers: { host: 'example.com' } }), false],
    ['host ends with', rule('HOST_NAME', 'ENDS_WITH', '.com'), request('/'), true],
    ['path starts with', rule('PATH', 'STARTS_WITH', '/api'), request('/api/v1?x=1'), true],
    ['path excludes query', rule('PATH', 'EQUAL_TO', '/api/v1'), request('/api/v1?x=1'), true],
    ['path regex', rule('PATH', 'REGEX', '^/img/\\d+$'), request('/img/42'), true],
    ['path regex miss', rule('PATH', 'REGEX', '^/img/\\d+$'), request('/img/x'), false],
    ['path contains', rule('PATH', 'CONTAINS', 'admin'), request('/x/admin/y'), true],
    ['header equal', rule('HEADER', 'EQUAL_TO', 'beta', 'X-Channel'), request('/', { headers: { 'x-channel': 'beta' } }), true],
    ['absent header never matches', rule('HEADER', 'EQUAL_TO', 'beta', 'X-Channel'), request('/'), false],
    ['absent header matches inverted', rule('HEADER', 'EQUAL_TO', 'beta', 'X-Channel', true), request('/'), true],
    ['cookie equal', rule('COOKIE', 'EQUAL_TO', 'b', 'group'), request('/', { headers: { cookie: 'a=1; group=b' } }), true],
    ['cookie starts with', rule('COOKIE', 'STARTS_WITH', 'x', 'group'), request('/', { headers: { cookie: 'group=b' } }), false],
    ['file type equal', rule('FILE_TYPE', 'EQUAL_TO', 'jpg'), request('/a/b.JPG?x=1'), true],
    ['file type with dot', rule('FILE_TYPE', 'EQUAL_TO', '.png'), request('/a/b.png'), true],
    ['file type regex', rule('FILE_TYPE', 'REGEX', '^(css|js)$'), request('/s/app.js'), true],
    ['file type of a directory', rule('FILE_TYPE', 'EQUAL_TO', 'js'), request('/s.js/app'), false],
    ['method', rule('METHOD', 'EQUAL_TO', 'POST'), request('/', { method: 'POST' }), true],
    ['method miss', rule('METHOD', 'EQUAL_TO', 'POST'), request('/'), false],
    ['query param', rule('QUERY_STRING', 'EQUAL_TO', 'v2', 'version'), request('/x?version=v2&a=b'), true],
    ['whole query', rule('QUERY_STRING', 'CONTAINS', 'debug'), request('/x?a=1&debug=1'), true],
    ['source ip in cidr', rule('SOURCE_IP', 'EQUAL_TO', '192.0.2.0/24'), request('/'), true],
    ['source ip mapped v4', rule('SOURCE_IP', 'EQUAL_TO', '192.0.2.0/24'), request('/', { client: '::ffff:192.0.2.7' }), true],
    ['source ip outside', rule('SOURCE_IP', 'EQUAL_TO', '10.0.0.0/8'), request('/'), false],
    ['source ip v6', rule('SOURCE_IP', 'EQUAL_TO', '2001:db8::/32'), request('/', { client: '2001:db8::5' }), true],
    ['invert', rule('PATH', 'STARTS_WITH', '/api', null, true), request('/api'), false],
    ['no client certificate', rule('SSL_CONN_HAS_CERT', 'EQUAL_TO', 'True'), request('/'), false],
  ];
  for (const [name, r, facts, expected] of cases) {
    it(name, () => assert.equal(compileRule(r)(facts), expected));
  }

  it('an invalid regex never matches, even inverted, and is reported', () => {
    const reported: string[] = [];
    const predicate = compileRule(rule('PATH', 'REGEX', '(', null, true), (r) => reported.push(r.id));
    assert.equal(predicate(request('/')), false);
    assert.deepEqual(reported, ['PATH-(']);
  });
});

function policy(position: number, action: SnapshotPolicy['action'], rules: SnapshotRule[], extra: Partial<SnapshotPolicy> = {}): SnapshotPolicy {
  return {
    id: `p${position}`, position, action, rules,
    redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: null,
    ...extra,
  };
}

describe('compilePolicies', () => {
  const api = rule('PATH', 'STARTS_WITH', '/api');
  const policies: SnapshotPolicy[] = [
    policy(3, 'REJECT', [rule('PATH', 'STARTS_WITH', '/api/admin')]),
    policy(1, 'REDIRECT_TO_POOL', [api, rule('METHOD', 'EQUAL_TO', 'POST')], { redirectPoolId: 'writes' }),
    policy(2, 'REDIRECT_TO_POOL', [api], { redirectPoolId: 'api' }),
    policy(4, 'REDIRECT_TO_URL', [rule('PATH', 'EQUAL_TO', '/old')], { redirectUrl: 'https://new.example.org/', redirectHttpCode: 301 }),
    policy(5, 'REDIRECT_PREFIX', [rule('PATH', 'STARTS_WITH', '/moved')], { redirectPrefix: 'https://other.example.org/' }),
    policy(6, 'FIXED_RESPONSE', [rule('PATH', 'EQUAL_TO', '/ping')], { fixedResponse: { status_code: '200', content_type: 'text/plain', message_body: 'pong' } }),
    policy(7, 'REDIRECT_TO_LISTENER', [rule('PATH', 'STARTS_WITH', '/secure')], { redirectListener: { protocol: 'TERMINATED_HTTPS', port: 443 }, redirectHttpCode: 301 }),
    policy(0, 'REJECT', []),
  ];
  const route = compilePolicies({ policies, defaultPoolId: 'web', address: '127.0.1.5' });
  const cases: [string, ReturnType<typeof request>, RoutingDecision][] = [
    ['no policy matches → default pool', request('/index.html'), { kind: 'pool', poolId: 'web' }],
    ['lowest position first, all rules must match', request('/api/x', { method: 'POST' }), { kind: 'pool', poolId: 'writes' }],
    ['second policy when the first does not fully match', request('/api/x'), { kind: 'pool', poolId: 'api' }],
    ['first match wins over a later reject', request('/api/admin'), { kind: 'pool', poolId: 'api' }],
    ['redirect to url', request('/old'), { kind: 'redirect', status: 301, location: 'https://new.example.org/' }],
    ['redirect prefix keeps path and query, default 302', request('/moved/a?b=1'), { kind: 'redirect', status: 302, location: 'https://other.example.org/moved/a?b=1' }],
    ['fixed response', request('/ping'), { kind: 'fixed', status: 200, contentType: 'text/plain', body: 'pong' }],
    ['redirect to listener: scheme and port of the target, same host', request('/secure/x?y=1'), { kind: 'redirect', status: 301, location: 'https://www.example.com:443/secure/x?y=1' }],
  ];
  for (const [name, facts, expected] of cases) {
    it(name, () => assert.deepEqual(route(facts), expected));
  }

  it('redirect to listener without a Host goes to the VIP', () => {
    const facts = createRequestFacts({ method: 'GET', target: '/secure', headers: {}, clientAddress: '192.0.2.1' });
    assert.deepEqual(route(facts), { kind: 'redirect', status: 301, location: 'https://127.0.1.5:443/secure' });
  });

  it('reject when it comes first', () => {
    const reject = compilePolicies({ policies: [policy(1, 'REJECT', [api])], defaultPoolId: null, address: '127.0.1.5' });
    assert.deepEqual(reject(request('/api')), { kind: 'reject' });
    assert.deepEqual(reject(request('/')), { kind: 'pool', poolId: null });
  });
});
