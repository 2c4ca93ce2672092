import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isValidHost, normalizePath, normalizeTarget } from '../../../../src/dataplane/http/request-target.js';

function origin(method: string, target: string, http2 = false): string {
  const result = normalizeTarget(method, target, http2);
  assert.ok(result.ok, `${target}: ${result.ok ? '' : result.problem}`);
  return result.target.originForm;
}

function refused(method: string, target: string, http2 = false): string {
  const result = normalizeTarget(method, target, http2);
  assert.ok(!result.ok, `${target} should be refused`);
  return result.problem;
}

describe('normalizeTarget', () => {
  it('normalizes paths as RFC 3986 and Envoy normalize_path + merge_slashes do', () => {
    const cases: [string, string][] = [
      ['/', '/'],
      ['/a/b?c=%2e%2e', '/a/b?c=%2e%2e'],
      ['/%61dmin', '/admin'],
      ['//admin', '/admin'],
      ['/./admin', '/admin'],
      ['/x/../admin', '/admin'],
      ['/../../admin', '/admin'],
      ['/a/b/..', '/a/'],
      ['/a/b/.', '/a/b/'],
      ['/a//b///c/', '/a/b/c/'],
      ['/%7Euser/a%2fx', '/~user/a%2Fx'],
      ['/caf%c3%a9', '/caf%C3%A9'],
      ['/a#frag', '/a'],
      ['/a?b#frag', '/a?b'],
      ['/a%2Fb', '/a%2Fb'],
      ['/a;b=c/d', '/a;b=c/d'],
    ];
    for (const [target, expected] of cases) assert.equal(origin('GET', target), expected, target);
  });

  it('turns absolute-form into origin-form with the authority apart', () => {
    const result = normalizeTarget('GET', 'HTTP://Shop.test:8080/a/../cart?x=1');
    assert.deepEqual(result, { ok: true, target: { originForm: '/cart?x=1', authority: 'Shop.test:8080' } });
    assert.deepEqual(normalizeTarget('GET', 'http://shop.test'), { ok: true, target: { originForm: '/', authority: 'shop.test' } });
    assert.deepEqual(normalizeTarget('GET', 'https://[::1]:8443?q'), { ok: true, target: { originForm: '/?q', authority: '[::1]:8443' } });
  });

  it('refuses what a member could read as another path or host', () => {
    assert.match(refused('GET', '/x/..%2Fadmin'), /encoded slash/);
    assert.match(refused('GET', '/%2F%2Fadmin'), /encoded slash/);
    assert.match(refused('GET', '/x/..\\admin'), /encoded slash or backslash/);
    assert.match(refused('GET', '/x/..;/admin'), /parameters/);
    assert.match(refused('GET', '/a%zz'), /percent-encoding/);
    assert.match(refused('GET', '/a%'), /percent-encoding/);
    assert.match(refused('GET', '/a%00b'), /NUL/);
    assert.match(refused('GET', 'ftp://a/'), /scheme "ftp"/);
    assert.match(refused('GET', 'http://u:p@a/'), /user information/);
    assert.match(refused('GET', 'http:///a'), /authority/);
    assert.match(refused('GET', 'http://a b/'), /authority/);
    assert.match(refused('GET', '*'), /OPTIONS/);
    assert.match(refused('GET', 'http://a/', true), /not a path/);
    assert.equal(origin('OPTIONS', '*'), '*');
  });

  it('validates Host values', () => {
    for (const good of ['', 'a', 'shop.test:8080', '[::1]', '[2001:db8::1]:443', 'under_score.test', 'a.']) assert.ok(isValidHost(good), good);
    for (const bad of ['a/b', 'a b', 'a@b', 'a:b:c', '[::1', 'a:123456', 'a\\b']) assert.ok(!isValidHost(bad), bad);
  });

  it('property: a normalized path is stable, absolute and free of dot segments and empty segments', () => {
    const segment = fc.oneof(fc.constantFrom('', '.', '..', '%2e', '%2E%2e', 'admin', '%61', 'a%2Fb', 'x;y', '~'), fc.stringMatching(/^[a-z0-9%._~-]{0,6}$/));
    fc.assert(fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
      const result = normalizePath(`/${segments.join('/')}`);
      if (!result.ok) return;
      const { path } = result;
      assert.ok(path.startsWith('/'));
      assert.deepEqual(normalizePath(path), { ok: true, path }, 'idempotent');
      const inner = path.split('/').slice(1, -1);
      assert.ok(inner.every((s) => s !== '' && s !== '.' && s !== '..'), path);
      assert.ok(!/%(2[dDeE]|[46][1-9a-fA-F]|[57][0-9aA]|3[0-9]|5[fF]|7[eE])/.test(path), `no encoded unreserved character left in ${path}`);
    }), { numRuns: 2000 });
  });
});
