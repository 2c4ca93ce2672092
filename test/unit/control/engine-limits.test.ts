// A value the running engine cannot honour is a 400 naming the engine (NOT_SUPPORTED_BY_ENGINE),
// and nothing is written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENGINE_LIMITS, MAX_TIMER_MS } from '../../../src/model/rules/engine-limits.js';
import { listener, loadBalancer, pool } from './fixtures.js';
import { controlPlaneFor } from './setup.js';

const refusedBy = (engine: string, field: string) => (error: Error & { code?: string; params?: Record<string, unknown> }) => {
  assert.equal(error.code, 'NOT_SUPPORTED_BY_ENGINE');
  assert.equal(error.params?.field, field);
  assert.match(error.message, new RegExp(`not supported by the ${engine} engine`));
  return true;
};

test('haproxy: timers beyond HAProxy\'s 32-bit milliseconds are refused, up to the limit they are taken', async (t) => {
  const { control } = await controlPlaneFor(t, { engine: 'haproxy' });
  const lb = await loadBalancer(control);
  await assert.rejects(listener(control, lb.id, 'HTTP', 80, { timeout_client_data: MAX_TIMER_MS + 1 }), refusedBy('haproxy', 'timeout_client_data'));
  const http = await listener(control, lb.id, 'HTTP', 80, { timeout_member_data: MAX_TIMER_MS });
  await assert.rejects(control.update('listener', http.id, { timeout_http_keep_alive: MAX_TIMER_MS + 1 }), refusedBy('haproxy', 'timeout_http_keep_alive'));
  await assert.rejects(control.update('listener', http.id, { timeout_member_connect: 30 * 86_400_000 }), refusedBy('haproxy', 'timeout_member_connect'));
  assert.equal((await control.show('listener', http.id)).timeout_member_connect, 5000);

  const web = await pool(control, { listener_id: http.id }, 'HTTP');
  await assert.rejects(control.create('healthmonitor', { pool_id: web.id, type: 'HTTP', delay: 2_147_484, timeout: 3, max_retries: 2 }), refusedBy('haproxy', 'delay'));
  await control.create('healthmonitor', { pool_id: web.id, type: 'HTTP', delay: 2_147_483, timeout: 3, max_retries: 2 });
  await assert.rejects(control.update('pool', web.id, { session_persistence: { type: 'SOURCE_IP', persistence_timeout: 2_147_484 } }), refusedBy('haproxy', 'session_persistence.persistence_timeout'));
});

test('haproxy: an APP_COOKIE name HAProxy cannot read is refused; a token is taken', async (t) => {
  const { control } = await controlPlaneFor(t, { engine: 'haproxy' });
  const lb = await loadBalancer(control);
  await assert.rejects(pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'APP_COOKIE', cookie_name: 'a#b' } }), refusedBy('haproxy', 'session_persistence.cookie_name'));
  await assert.rejects(pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'APP_COOKIE', cookie_name: "it's" } }), refusedBy('haproxy', 'session_persistence.cookie_name'));
  await pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'APP_COOKIE', cookie_name: 'JSESSIONID' } });
  assert.equal((await control.list('pool', { query: {} })).length, 1);
});

test('node: timers beyond 32-bit milliseconds are refused too (Node would cut them short); cookie names HAProxy cannot read are taken', async (t) => {
  const { control } = await controlPlaneFor(t, { engine: 'node' });
  const lb = await loadBalancer(control);
  await assert.rejects(listener(control, lb.id, 'HTTP', 80, { timeout_client_data: MAX_TIMER_MS + 1 }), refusedBy('node', 'timeout_client_data'));
  await listener(control, lb.id, 'HTTP', 80, { timeout_client_data: MAX_TIMER_MS });
  await pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'APP_COOKIE', cookie_name: 'a#b' } });
  await pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'SOURCE_IP', persistence_timeout: 2_147_484 } });
});

test('a control plane told no engine checks no engine limits', async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  await listener(control, lb.id, 'HTTP', 80, { timeout_client_data: MAX_TIMER_MS + 1 });
});

test('every limit names a field of its kind', () => {
  assert.ok(ENGINE_LIMITS.length > 0);
  for (const limit of ENGINE_LIMITS) assert.match(limit.detail, limit.engine === 'haproxy' ? /HAProxy/ : /Node/);
});
