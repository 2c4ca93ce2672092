import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESOURCE_SCHEMAS, validateBody } from '../../../src/model/schemas.js';
import { RESOURCE_KINDS } from '../../../src/model/types.js';

const invalid = (field: string, detail?: RegExp) => (error: Error & { code?: string; params?: Record<string, unknown> }) => {
  assert.equal(error.code, 'INVALID_BODY');
  assert.equal(error.params?.field, field);
  if (detail) assert.match(error.message, detail);
  return true;
};

test('every kind has create, update and view schemas that are plain JSON Schema', () => {
  for (const kind of RESOURCE_KINDS) {
    for (const mode of ['create', 'update', 'view'] as const) {
      const schema = RESOURCE_SCHEMAS[kind][mode];
      assert.equal(schema.type, 'object', `${kind} ${mode}`);
      // JSON round trip keeps everything a JSON Schema consumer sees.
      assert.deepEqual(JSON.parse(JSON.stringify(schema)).properties.id?.type ?? 'string', 'string');
    }
  }
});

test('a valid listener create body passes and is returned', () => {
  const body = { loadbalancer_id: 'lb', protocol: 'HTTP', protocol_port: 80, name: 'web', connection_limit: -1, project_id: 'ignored' };
  assert.equal(validateBody('listener', 'create', body), body);
});

test('the first bad field is named', () => {
  assert.throws(() => validateBody('listener', 'create', { protocol: 'HTTP', protocol_port: 80 }), invalid('loadbalancer_id', /required/));
  assert.throws(() => validateBody('listener', 'create', { loadbalancer_id: 'lb', protocol: 'FTP', protocol_port: 80 }), invalid('protocol', /one of "TCP", "UDP"/));
  assert.throws(() => validateBody('listener', 'create', { loadbalancer_id: 'lb', protocol: 'TCP', protocol_port: 80, bogus: 1 }), invalid('bogus', /Unexpected property/));
  assert.throws(() => validateBody('listener', 'create', { loadbalancer_id: 'lb', protocol: 'TCP', protocol_port: 80, connection_limit: -2 }), invalid('connection_limit'));
  assert.throws(() => validateBody('listener', 'create', { loadbalancer_id: 'lb', protocol: 'TCP', protocol_port: 80, allowed_cidrs: [5] }), invalid('allowed_cidrs[0]'));
  assert.throws(() => validateBody('listener', 'create', { loadbalancer_id: 'lb', protocol: 'TCP', protocol_port: 80, timeout_client_data: 31_536_000_001 }), invalid('timeout_client_data'));
  assert.throws(() => validateBody('listener', 'create', { loadbalancer_id: 'lb', protocol: 'TCP', protocol_port: 80, name: 'x'.repeat(256) }), invalid('name'));
  assert.throws(() => validateBody('ipgroup', 'create', { ip_list: [{ ip: '10.0.0.1', desc: 'x' }] }), invalid('ip_list[0].desc'));
  assert.throws(() => validateBody('listener', 'create', []), invalid('listener'));
});

test('ports outside 1–65535 are INVALID_PORT naming the field', () => {
  for (const port of [0, 65536, -1, 80.5]) {
    assert.throws(() => validateBody('listener', 'create', { loadbalancer_id: 'lb', protocol: 'TCP', protocol_port: port }), { code: 'INVALID_PORT', params: { field: 'protocol_port' } });
  }
  assert.throws(() => validateBody('member', 'create', { address: '10.0.0.1', monitor_port: 70000 }), { code: 'INVALID_PORT', params: { field: 'monitor_port' } });
  assert.doesNotThrow(() => validateBody('member', 'create', { address: '10.0.0.1', protocol_port: 65535, monitor_port: null }));
});

test('ranges: weight 0–256, max_retries 1–10, max_retries_down 1–10, delay/timeout >= 0', () => {
  assert.doesNotThrow(() => validateBody('member', 'update', { weight: 0 }));
  assert.doesNotThrow(() => validateBody('member', 'update', { weight: 256 }));
  assert.throws(() => validateBody('member', 'update', { weight: 257 }), invalid('weight'));
  const hm = { pool_id: 'p', type: 'TCP', delay: 0, timeout: 0, max_retries: 1 };
  assert.doesNotThrow(() => validateBody('healthmonitor', 'create', hm));
  assert.throws(() => validateBody('healthmonitor', 'create', { ...hm, max_retries: 11 }), invalid('max_retries'));
  assert.throws(() => validateBody('healthmonitor', 'create', { ...hm, max_retries: 0 }), invalid('max_retries'));
  assert.throws(() => validateBody('healthmonitor', 'create', { ...hm, max_retries_down: 11 }), invalid('max_retries_down'));
  assert.throws(() => validateBody('healthmonitor', 'create', { ...hm, delay: -1 }), invalid('delay'));
  assert.throws(() => validateBody('healthmonitor', 'create', { ...hm, timeout: -1 }), invalid('timeout'));
  assert.throws(() => validateBody('healthmonitor', 'create', { ...hm, expected_codes: '2xx' }), invalid('expected_codes'));
  // Octavia's pattern: a list may have spaces around its commas, a range may not.
  for (const codes of ['200', '200,202', '200, 202', '200 ,202 , 204', '200-299']) assert.doesNotThrow(() => validateBody('healthmonitor', 'create', { ...hm, expected_codes: codes }), codes);
  for (const codes of [' 200', '200,', '200 - 299', '200-299,301', '20']) assert.throws(() => validateBody('healthmonitor', 'create', { ...hm, expected_codes: codes }), invalid('expected_codes'), codes);
  assert.throws(() => validateBody('healthmonitor', 'create', { ...hm, url_path: 'health' }), invalid('url_path'));
});

test('update bodies accept only known fields, all optional, nulls where Octavia allows them', () => {
  assert.doesNotThrow(() => validateBody('listener', 'update', {}));
  assert.doesNotThrow(() => validateBody('listener', 'update', { name: null, default_pool_id: null, timeout_client_data: null }));
  assert.throws(() => validateBody('pool', 'update', { listener_id: 'l' }), invalid('listener_id'));
  assert.throws(() => validateBody('member', 'update', { pool_id: 'p' }), invalid('pool_id'));
});

test('fields Octavia clients send that elbow ignores are accepted', () => {
  assert.doesNotThrow(() => validateBody('loadbalancer', 'create', { vip_subnet_id: 's', project_id: 'p', tenant_id: 't', provider: 'amphora', flavor_id: null, availability_zone: null, vip_qos_policy_id: null }));
  assert.doesNotThrow(() => validateBody('member', 'create', { address: '10.0.0.1', protocol_port: 80, backup: false, subnet_id: 's' }));
  assert.doesNotThrow(() => validateBody('pool', 'create', { protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', loadbalancer_id: 'lb', tls_enabled: false }));
  assert.doesNotThrow(() => validateBody('listener', 'create', { loadbalancer_id: 'lb', protocol: 'HTTP', protocol_port: 80, timeout_tcp_inspect: 0, hsts_include_subdomains: false }));
});
