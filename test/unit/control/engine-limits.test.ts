// A value the running engine cannot honour is a 400 naming the engine (NOT_SUPPORTED_BY_ENGINE),
// and nothing is written; another engine takes it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINE_LIMITS } from '../../../src/model/rules/engine-limits.js';
import { loadBalancer, pool } from './fixtures.js';
import { controlPlaneFor } from './setup.js';

const refusedBy = (engine: string, field: string) => (error: Error & { code?: string; params?: Record<string, unknown> }) => {
  assert.equal(error.code, 'NOT_SUPPORTED_BY_ENGINE');
  assert.equal(error.params?.field, field);
  assert.match(error.message, new RegExp(`not supported by the ${engine} engine`));
  return true;
};

test('haproxy: an APP_COOKIE name HAProxy cannot read is refused on create and update; a plain token is taken', async (t) => {
  const { control } = await controlPlaneFor(t, { engine: 'haproxy' });
  const lb = await loadBalancer(control);
  for (const name of ['a#b', "it's", 'price$']) {
    await assert.rejects(pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'APP_COOKIE', cookie_name: name } }), refusedBy('haproxy', 'session_persistence.cookie_name'));
  }
  const web = await pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID' } });
  await assert.rejects(control.update('pool', web.id, { session_persistence: { type: 'APP_COOKIE', cookie_name: 'a#b' } }), refusedBy('haproxy', 'session_persistence.cookie_name'));
  assert.deepEqual((await control.show('pool', web.id)).session_persistence, { type: 'APP_COOKIE', cookie_name: 'JSESSIONID', persistence_timeout: null, persistence_granularity: null });
  assert.equal((await control.list('pool', { query: {} })).length, 1);
});

test('the node engine, and a control plane told no engine, take those names', async (t) => {
  for (const options of [{ engine: 'node' as const }, {}]) {
    const { control } = await controlPlaneFor(t, options);
    const lb = await loadBalancer(control);
    await pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'APP_COOKIE', cookie_name: 'a#b' } });
  }
});

test('every limit says what its engine cannot do', () => {
  assert.ok(ENGINE_LIMITS.length > 0);
  for (const limit of ENGINE_LIMITS) assert.match(limit.detail, limit.engine === 'haproxy' ? /HAProxy/ : /Node/);
});
