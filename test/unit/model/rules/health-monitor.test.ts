import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkHealthMonitorHttpFields,
  checkHealthMonitorTiming,
  checkHealthMonitorType,
  checkSingleHealthMonitor,
} from '../../../../src/model/rules/health-monitor.js';
import { HEALTH_MONITOR_TYPES, POOL_PROTOCOLS } from '../../../../src/model/types.js';

test('monitor type per pool protocol (Octavia): UDP pools UDP-CONNECT/TCP/HTTP; others all but UDP-CONNECT; SCTP never', () => {
  for (const protocol of POOL_PROTOCOLS) {
    for (const type of HEALTH_MONITOR_TYPES) {
      const allowed = protocol === 'UDP' ? ['UDP-CONNECT', 'TCP', 'HTTP'].includes(type) : type !== 'UDP-CONNECT' && type !== 'SCTP';
      const run = () => checkHealthMonitorType(type, protocol);
      if (allowed) assert.doesNotThrow(run, `${protocol} ${type}`);
      else assert.throws(run, { code: 'HEALTH_MONITOR_TYPE', status: 400, message: new RegExp(`type ${type} is not valid for a ${protocol} pool`) }, `${protocol} ${type}`);
    }
  }
});

test('timeout may not exceed delay', () => {
  assert.doesNotThrow(() => checkHealthMonitorTiming({ delay: 5, timeout: 3 }));
  assert.doesNotThrow(() => checkHealthMonitorTiming({ delay: 5, timeout: 5 }));
  assert.throws(() => checkHealthMonitorTiming({ delay: 5, timeout: 6 }), { code: 'HEALTH_MONITOR_TIMING', message: /timeout \(6\) must not exceed delay \(5\)/ });
});

const httpFields = { http_method: null, url_path: null, expected_codes: null, http_version: null, domain_name: null };

test('HTTP settings only on HTTP/HTTPS monitors', () => {
  for (const type of ['TCP', 'PING', 'TLS-HELLO', 'UDP-CONNECT'] as const) {
    assert.doesNotThrow(() => checkHealthMonitorHttpFields({ type, ...httpFields }));
    for (const [field, value] of [['http_method', 'GET'], ['url_path', '/'], ['expected_codes', '200'], ['http_version', 1.1], ['domain_name', 'a']] as const) {
      assert.throws(() => checkHealthMonitorHttpFields({ type, ...httpFields, [field]: value }), { code: 'INVALID_BODY', message: new RegExp(`attribute ${field}: applies only to HTTP`) });
    }
  }
});

test('HTTP monitor details: domain_name needs HTTP/1.1, expected codes are statuses and ranges ascend', () => {
  const http = { type: 'HTTP' as const, ...httpFields, http_method: 'GET', url_path: '/', expected_codes: '200' };
  assert.doesNotThrow(() => checkHealthMonitorHttpFields(http));
  assert.doesNotThrow(() => checkHealthMonitorHttpFields({ ...http, expected_codes: '200-204' }));
  assert.doesNotThrow(() => checkHealthMonitorHttpFields({ ...http, expected_codes: '200,202,301' }));
  assert.doesNotThrow(() => checkHealthMonitorHttpFields({ ...http, expected_codes: '200, 202 ,301' }));
  assert.throws(() => checkHealthMonitorHttpFields({ ...http, expected_codes: '200, 099' }), { code: 'INVALID_BODY', message: /expected_codes/ });
  assert.throws(() => checkHealthMonitorHttpFields({ ...http, expected_codes: '204-200' }), { code: 'INVALID_BODY', message: /reversed/ });
  assert.throws(() => checkHealthMonitorHttpFields({ ...http, expected_codes: '099' }), { code: 'INVALID_BODY', message: /expected_codes/ });
  assert.throws(() => checkHealthMonitorHttpFields({ ...http, domain_name: 'x.example' }), { code: 'INVALID_BODY', message: /http_version/ });
  assert.doesNotThrow(() => checkHealthMonitorHttpFields({ ...http, domain_name: 'x.example', http_version: 1.1 }));
});

test('one monitor per pool', () => {
  assert.doesNotThrow(() => checkSingleHealthMonitor({ id: 'p', healthmonitor_id: null }));
  assert.doesNotThrow(() => checkSingleHealthMonitor({ id: 'p', healthmonitor_id: 'm' }, 'm'));
  assert.throws(() => checkSingleHealthMonitor({ id: 'p', healthmonitor_id: 'm' }), { code: 'HEALTH_MONITOR_EXISTS', status: 409, message: 'Pool p already has health monitor m' });
});
