import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSessionPersistence } from '../../../../src/model/rules/session-persistence.js';
import { POOL_PROTOCOLS } from '../../../../src/model/types.js';

test('no persistence is always fine', () => {
  for (const protocol of POOL_PROTOCOLS) assert.doesNotThrow(() => checkSessionPersistence(protocol, null));
});

test('SOURCE_IP on every pool, cookies only on HTTP and HTTPS pools', () => {
  for (const protocol of POOL_PROTOCOLS) {
    assert.doesNotThrow(() => checkSessionPersistence(protocol, { type: 'SOURCE_IP', cookie_name: null }), protocol);
    const http = protocol === 'HTTP' || protocol === 'HTTPS';
    for (const type of ['HTTP_COOKIE', 'APP_COOKIE'] as const) {
      const run = () => checkSessionPersistence(protocol, { type, cookie_name: type === 'APP_COOKIE' ? 'SESSION' : null });
      if (http) assert.doesNotThrow(run, `${protocol} ${type}`);
      else assert.throws(run, { code: 'SESSION_PERSISTENCE_INVALID', status: 400, message: new RegExp(`${type} is not valid for a ${protocol} pool`) });
    }
  }
});

test('APP_COOKIE requires cookie_name and is the only type that takes one (Octavia); names are tokens', () => {
  assert.throws(() => checkSessionPersistence('HTTP', { type: 'APP_COOKIE', cookie_name: null }), { code: 'SESSION_PERSISTENCE_INVALID', message: /cookie_name is required/ });
  assert.doesNotThrow(() => checkSessionPersistence('HTTP', { type: 'HTTP_COOKIE', cookie_name: null }));
  const onlyAppCookie = { code: 'SESSION_PERSISTENCE_INVALID', status: 400, message: /"cookie_name" can only be specified with session persistence of type "APP_COOKIE"/ };
  assert.throws(() => checkSessionPersistence('HTTP', { type: 'HTTP_COOKIE', cookie_name: 'elbow' }), onlyAppCookie);
  assert.throws(() => checkSessionPersistence('TCP', { type: 'SOURCE_IP', cookie_name: 'x' }), onlyAppCookie);
  assert.throws(() => checkSessionPersistence('HTTP', { type: 'APP_COOKIE', cookie_name: 'bad name;' }), { code: 'SESSION_PERSISTENCE_INVALID', message: /not a valid cookie name/ });
});
