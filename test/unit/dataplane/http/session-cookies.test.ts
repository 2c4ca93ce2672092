import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { HeaderList } from '../../../../src/dataplane/http/forwarded-headers.js';
import { AppCookieTable, cookieBoundMember, persistFromResponse, stripInsertedCookie } from '../../../../src/dataplane/http/session-cookies.js';

const httpCookie = { type: 'HTTP_COOKIE' as const, cookieName: null, timeoutSeconds: 0, granularity: null };
const appCookie = { type: 'APP_COOKIE' as const, cookieName: 'JSESSIONID', timeoutSeconds: 0, granularity: null };

it('HTTP_COOKIE: inserts SRV=<member> when the request was not bound to it, and reads it back', () => {
  const headers: HeaderList = new Map([['set-cookie', ['app=1']]]);
  persistFromResponse(httpCookie, 'm1', undefined, headers, undefined);
  assert.deepEqual(headers.get('set-cookie'), ['app=1', 'SRV=m1; Path=/']);
  assert.deepEqual(headers.get('cache-control'), ['private']);
  const bound: HeaderList = new Map();
  persistFromResponse(httpCookie, 'm1', 'm1', bound, undefined);
  assert.equal(bound.size, 0);
  assert.equal(cookieBoundMember(httpCookie, (name) => (name === 'SRV' ? 'm1' : undefined), undefined), 'm1');
});

it('HTTP_COOKIE: the member never sees elbow\'s cookie', () => {
  const headers: HeaderList = new Map([['cookie', ['a=1; SRV=m1; b=2']]]);
  stripInsertedCookie(httpCookie, headers);
  assert.deepEqual(headers.get('cookie'), ['a=1; b=2']);
  const only: HeaderList = new Map([['cookie', ['SRV=m1']]]);
  stripInsertedCookie(httpCookie, only);
  assert.equal(only.has('cookie'), false);
});

it('APP_COOKIE: learns the application cookie from responses', () => {
  const table = new AppCookieTable();
  persistFromResponse(appCookie, 'm2', undefined, new Map([['set-cookie', ['JSESSIONID=abc; Path=/; HttpOnly']]]), table);
  assert.equal(cookieBoundMember(appCookie, (name) => (name === 'JSESSIONID' ? 'abc' : undefined), table), 'm2');
  assert.equal(cookieBoundMember(appCookie, () => 'unknown', table), undefined);
});

it('APP_COOKIE table evicts the least recently used value', () => {
  const table = new AppCookieTable(2);
  table.remember('a', 'm1');
  table.remember('b', 'm2');
  table.lookup('a');
  table.remember('c', 'm3');
  assert.deepEqual([table.lookup('a'), table.lookup('b'), table.lookup('c')], ['m1', undefined, 'm3']);
});
