// L7 policies and rules on both engines, with curl: every action (REJECT, REDIRECT_TO_URL,
// REDIRECT_PREFIX, REDIRECT_TO_POOL, REDIRECT_TO_LISTENER, FIXED_RESPONSE), every rule type
// (PATH, HOST_NAME, HEADER, COOKIE, FILE_TYPE, METHOD, QUERY_STRING, SOURCE_IP), compare types,
// invert, several rules ANDed, and the first matching policy by position winning.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { SnapshotPolicy, SnapshotRule } from '../../src/snapshot/snapshot.js';
import { startBackend } from '../helpers/l7-harness.js';
import { freePort, makeListener, makeMember, makePool, makeSnapshot } from '../unit/dataplane/support.js';
import { curl } from './clients.js';
import { applyServing, forEachEngine } from './engines.js';

let ruleCount = 0;
function rule(type: SnapshotRule['type'], compareType: SnapshotRule['compareType'], value: string, key: string | null = null, invert = false): SnapshotRule {
  return { id: `r${++ruleCount}`, type, compareType, key, value, invert };
}

function policy(position: number, action: SnapshotPolicy['action'], rules: SnapshotRule[], extra: Partial<SnapshotPolicy> = {}): SnapshotPolicy {
  return { id: `policy-${position}`, position, action, rules, redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: null, ...extra };
}

const POLICIES: SnapshotPolicy[] = [
  policy(1, 'REJECT', [rule('PATH', 'STARTS_WITH', '/admin')]),
  policy(2, 'REDIRECT_TO_URL', [rule('PATH', 'EQUAL_TO', '/old')], { redirectUrl: 'https://example.org/new', redirectHttpCode: 301 }),
  policy(3, 'REDIRECT_PREFIX', [rule('PATH', 'STARTS_WITH', '/moved')], { redirectPrefix: 'https://example.org', redirectHttpCode: 302 }),
  policy(4, 'FIXED_RESPONSE', [rule('PATH', 'EQUAL_TO', '/health')], { fixedResponse: { status_code: '200', content_type: 'text/plain', message_body: 'fine' } }),
  policy(5, 'REDIRECT_TO_LISTENER', [rule('PATH', 'STARTS_WITH', '/secure')], { redirectHttpCode: 302, redirectListener: { protocol: 'TERMINATED_HTTPS', port: 8443 } }),
  policy(6, 'REDIRECT_TO_POOL', [rule('HOST_NAME', 'EQUAL_TO', '*.api.test')], { redirectPoolId: 'api' }),
  policy(7, 'REDIRECT_TO_POOL', [rule('HEADER', 'EQUAL_TO', 'beta', 'X-Channel')], { redirectPoolId: 'api' }),
  policy(8, 'REDIRECT_TO_POOL', [rule('COOKIE', 'EQUAL_TO', 'api', 'backend')], { redirectPoolId: 'api' }),
  policy(9, 'REDIRECT_TO_POOL', [rule('FILE_TYPE', 'REGEX', '^(png|jpg)$')], { redirectPoolId: 'images' }),
  policy(10, 'REDIRECT_TO_POOL', [rule('METHOD', 'EQUAL_TO', 'DELETE')], { redirectPoolId: 'api' }),
  policy(11, 'REDIRECT_TO_POOL', [rule('QUERY_STRING', 'EQUAL_TO', 'images', 'to')], { redirectPoolId: 'images' }),
  policy(12, 'REDIRECT_TO_POOL', [rule('SOURCE_IP', 'EQUAL_TO', '127.0.0.0/8'), rule('PATH', 'STARTS_WITH', '/local')], { redirectPoolId: 'images' }),
  policy(13, 'REDIRECT_TO_POOL', [rule('PATH', 'ENDS_WITH', '.json'), rule('HEADER', 'CONTAINS', 'mobile', 'User-Agent', true)], { redirectPoolId: 'api' }),
  policy(14, 'REDIRECT_TO_POOL', [rule('HOST_NAME', 'REGEX', '^img[0-9]+\\.test$')], { redirectPoolId: 'images' }),
  // Shadowed by policy 1 (same match, later position): never applies.
  policy(15, 'REDIRECT_TO_POOL', [rule('PATH', 'STARTS_WITH', '/admin')], { redirectPoolId: 'api' }),
];

forEachEngine('L7 policies and rules', (engine) => {
  it('each action and rule type, in position order', async (t) => {
    const web = await startBackend(t, 'web');
    const api = await startBackend(t, 'api');
    const images = await startBackend(t, 'images');
    const hx = await engine.start(t);
    const port = await freePort();
    const pools = [
      makePool({ id: 'web', protocol: 'HTTP', members: [makeMember({ id: 'w', port: web.port })] }),
      makePool({ id: 'api', protocol: 'HTTP', members: [makeMember({ id: 'a', port: api.port })] }),
      makePool({ id: 'images', protocol: 'HTTP', members: [makeMember({ id: 'i', port: images.port })] }),
    ];
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'web', policies: POLICIES })], pools));
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    const get = (path: string, ...extra: string[]) => curl([...extra, url(path)]);

    assert.equal((await get('/admin/users')).status, 403);
    assert.equal((await get('/admin', '-X', 'POST', '--data', 'x')).status, 403);
    const old = await get('/old');
    assert.deepEqual([old.status, old.headers.location], [301, 'https://example.org/new']);
    const moved = await get('/moved/a?b=c');
    assert.deepEqual([moved.status, moved.headers.location], [302, 'https://example.org/moved/a?b=c']);
    const health = await get('/health');
    assert.deepEqual([health.status, health.body, health.headers['content-type']], [200, 'fine', 'text/plain']);
    const secure = await get('/secure/x?y=1', '-H', 'Host: shop.test');
    assert.deepEqual([secure.status, secure.headers.location], [302, 'https://shop.test:8443/secure/x?y=1']);

    assert.equal((await get('/', '-H', 'Host: v1.api.test')).body, 'api', 'HOST_NAME wildcard');
    assert.equal((await get('/', '-H', 'Host: api.test')).body, 'web', 'the wildcard needs a label');
    assert.equal((await get('/', '-H', 'X-Channel: beta')).body, 'api', 'HEADER');
    assert.equal((await get('/', '-H', 'X-Channel: alpha')).body, 'web');
    assert.equal((await get('/', '-H', 'Cookie: a=b; backend=api')).body, 'api', 'COOKIE');
    assert.equal((await get('/', '-H', 'Cookie: backend=apix')).body, 'web');
    assert.equal((await get('/img/logo.png')).body, 'images', 'FILE_TYPE');
    assert.equal((await get('/x', '-X', 'DELETE')).body, 'api', 'METHOD');
    assert.equal((await get('/x?to=images')).body, 'images', 'QUERY_STRING');
    assert.equal((await get('/local/x')).body, 'images', 'SOURCE_IP and PATH');
    assert.equal((await get('/data.json', '-A', 'desktop')).body, 'api', 'ENDS_WITH and an inverted CONTAINS');
    assert.equal((await get('/data.json', '-A', 'my mobile')).body, 'web', 'the inverted rule fails: no match');
    assert.equal((await get('/', '-H', 'Host: img42.test')).body, 'images', 'HOST_NAME REGEX');
    assert.equal((await get('/index.html')).body, 'web', 'no policy matches: the default pool');

    assert.equal(web.seen.some((r) => r.url.startsWith('/admin')) || api.seen.some((r) => r.url.startsWith('/admin')), false, 'rejected requests reach no member');
    assert.deepEqual(api.seen.map((r) => `${r.method} ${r.url}`), ['GET /', 'GET /', 'GET /', 'DELETE /x', 'GET /data.json']);
  });

  it('REDIRECT_TO_POOL to a pool without members: 503', async (t) => {
    const web = await startBackend(t, 'web');
    const hx = await engine.start(t);
    const port = await freePort();
    const pools = [makePool({ id: 'web', protocol: 'HTTP', members: [makeMember({ id: 'w', port: web.port })] }), makePool({ id: 'empty', protocol: 'HTTP', members: [] })];
    const policies = [policy(1, 'REDIRECT_TO_POOL', [rule('PATH', 'STARTS_WITH', '/e')], { redirectPoolId: 'empty' })];
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'web', policies })], pools));
    assert.equal((await curl([`http://127.0.0.1:${port}/e`])).status, 503);
    assert.equal((await curl([`http://127.0.0.1:${port}/w`])).body, 'web');
  });
});
