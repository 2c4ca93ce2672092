import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HEALTH_MONITOR_DEFAULTS,
  LISTENER_DEFAULTS,
  LOADBALANCER_DEFAULTS,
  MEMBER_DEFAULTS,
  defaultMemberPort,
  defaultRedirectHttpCode,
  healthMonitorHttpDefaults,
} from '../../../src/model/defaults.js';
import { POOL_PROTOCOLS } from '../../../src/model/types.js';

test("Octavia's listener defaults", () => {
  assert.equal(LISTENER_DEFAULTS.connection_limit, -1);
  assert.deepEqual(
    [LISTENER_DEFAULTS.timeout_client_data, LISTENER_DEFAULTS.timeout_member_connect, LISTENER_DEFAULTS.timeout_member_data, LISTENER_DEFAULTS.timeout_tcp_inspect],
    [50000, 5000, 50000, 0],
  );
  assert.equal(LISTENER_DEFAULTS.admin_state_up, true);
  assert.equal(LISTENER_DEFAULTS.access_log, false);
  assert.equal(LISTENER_DEFAULTS.ipgroup, null);
});

test('member defaults: weight 1, port 80 only for HTTP pools (the spec\'s IIS default)', () => {
  assert.equal(MEMBER_DEFAULTS.weight, 1);
  for (const protocol of POOL_PROTOCOLS) assert.equal(defaultMemberPort(protocol), protocol === 'HTTP' ? 80 : undefined, protocol);
});

test('health monitor defaults: 3 retries down, GET / 200 only for HTTP(S) monitors', () => {
  assert.equal(HEALTH_MONITOR_DEFAULTS.max_retries_down, 3);
  assert.deepEqual(healthMonitorHttpDefaults('HTTP'), { http_method: 'GET', url_path: '/', expected_codes: '200' });
  assert.deepEqual(healthMonitorHttpDefaults('HTTPS'), { http_method: 'GET', url_path: '/', expected_codes: '200' });
  assert.deepEqual(healthMonitorHttpDefaults('TCP'), { http_method: null, url_path: null, expected_codes: null });
});

test('load balancers are standard by default; redirects answer 302', () => {
  assert.equal(LOADBALANCER_DEFAULTS.type, 'standard');
  assert.equal(defaultRedirectHttpCode('REDIRECT_TO_URL'), 302);
  assert.equal(defaultRedirectHttpCode('REDIRECT_TO_POOL'), null);
});
