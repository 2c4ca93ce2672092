// Every validation rule, through the control plane: a 400 (or 409) with the rule's code and a
// message naming the field or the rule.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ControlPlane } from '../../../src/control/control-plane.js';
import { createTestCa, type TestCa } from '../../helpers/test-ca.js';
import { listener, loadBalancer, pool } from './fixtures.js';
import { controlPlaneFor } from './setup.js';

let ca: TestCa;
before(() => {
  ca = createTestCa();
});
after(() => ca.close());

async function rejects(promise: Promise<unknown>, code: string, status: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error & { code?: string; status?: number }) => {
    assert.equal(error.code, code, error.message);
    assert.equal(error.status, status);
    assert.match(error.message, message);
    return true;
  });
}

async function world(control: ControlPlane) {
  const lb = await loadBalancer(control);
  const http = await listener(control, lb.id, 'HTTP', 80);
  const tcp = await listener(control, lb.id, 'TCP', 81);
  const httpPool = await pool(control, { loadbalancer_id: lb.id }, 'HTTP');
  const tcpPool = await pool(control, { loadbalancer_id: lb.id }, 'TCP');
  const udpPool = await pool(control, { loadbalancer_id: lb.id }, 'UDP');
  return { lb, http, tcp, httpPool, tcpPool, udpPool };
}

test('load balancer rules: VIP required, valid, unused; immutable VIP and type', async (t) => {
  const { control } = await controlPlaneFor(t);
  await rejects(control.create('loadbalancer', { name: 'x' }), 'VIP_REQUIRED', 400, /vip_subnet_id, vip_network_id, vip_port_id or vip_address/);
  await rejects(control.create('loadbalancer', { vip_address: 'host.example' }), 'VIP_INVALID', 400, /vip_address host\.example/);
  const lb = await control.create('loadbalancer', { vip_address: '127.0.0.9' });
  await rejects(control.create('loadbalancer', { vip_address: '127.0.0.9' }), 'VIP_IN_USE', 409, new RegExp(`127\\.0\\.0\\.9 is already used by load balancer ${lb.id}`));
  await rejects(control.update('loadbalancer', lb.id, { vip_address: '127.0.0.10' }), 'IMMUTABLE_FIELD', 400, /Field vip_address/);
  await rejects(control.update('loadbalancer', lb.id, { type: 'classic' }), 'IMMUTABLE_FIELD', 400, /Field type/);
  assert.equal((await control.update('loadbalancer', lb.id, { name: 'renamed', vip_address: '127.0.0.9' })).name, 'renamed');
});

test('VIPs are allocated from the configured range, skipping used ones', async (t) => {
  const { control } = await controlPlaneFor(t, { vipRange: { start: '127.0.9.1', end: '127.0.9.2' } });
  assert.equal((await control.create('loadbalancer', { vip_subnet_id: 's' })).vip_address, '127.0.9.1');
  assert.equal((await control.create('loadbalancer', { vip_address: '127.0.9.2' })).vip_address, '127.0.9.2');
  await rejects(control.create('loadbalancer', { vip_network_id: 'n' }), 'VIP_RANGE_EXHAUSTED', 409, /127\.0\.9\.1-127\.0\.9\.2/);
});

test('listener rules: schema, SSL only on classic, TLS certificate, TLS fields, CIDRs, immutables, references', async (t) => {
  const { control } = await controlPlaneFor(t);
  const { lb, http } = await world(control);
  await rejects(listener(control, lb.id, 'TCP', 0), 'INVALID_PORT', 400, /protocol_port/);
  await rejects(listener(control, lb.id, 'SCTP', 90), 'INVALID_BODY', 400, /field\/attribute protocol:/);
  await rejects(listener(control, lb.id, 'SSL', 90), 'SSL_REQUIRES_CLASSIC', 400, /SSL listeners are allowed only on load balancers of type "classic"/);
  await rejects(listener(control, lb.id, 'HTTPS', 90), 'TLS_CERT_REQUIRED', 400, /HTTPS listeners require a server certificate in default_tls_container_ref/);
  await rejects(listener(control, lb.id, 'HTTP', 90, { sni_container_refs: ['x'] }), 'TLS_NOT_ALLOWED', 400, /Field sni_container_refs applies only to TLS-terminating listeners/);
  await rejects(listener(control, lb.id, 'HTTP', 90, { allowed_cidrs: ['10.0.0.0/8', '300.0.0.0/8'] }), 'CIDR_INVALID', 400, /300\.0\.0\.0\/8 in allowed_cidrs\[1\]/);
  await rejects(listener(control, lb.id, 'HTTPS', 90, { default_tls_container_ref: 'missing' }), 'NOT_FOUND', 404, /certificate missing not found/);
  await rejects(listener(control, 'nope', 'HTTP', 90), 'NOT_FOUND', 404, /loadbalancer nope not found/);
  await rejects(listener(control, lb.id, 'HTTP', 90, { ipgroup: { ipgroup_id: 'nope' } }), 'NOT_FOUND', 404, /ipgroup nope/);
  const emptyRef = await listener(control, lb.id, 'HTTP', 91, { default_tls_container_ref: '', sni_container_refs: [] });
  assert.equal(emptyRef.default_tls_container_ref, null, 'an empty reference means none');
  await rejects(control.update('listener', http.id, { protocol_port: 8080 }), 'IMMUTABLE_FIELD', 400, /Field protocol_port/);
  await rejects(control.update('listener', http.id, { protocol: 'TCP' }), 'IMMUTABLE_FIELD', 400, /Field protocol /);

  const client = await control.create('certificate', { type: 'client', certificate: ca.caPem });
  await rejects(listener(control, lb.id, 'HTTPS', 90, { default_tls_container_ref: client.id }), 'CERTIFICATE_TYPE', 400, /needs a server certificate/);
  const issued = ca.issueServer(['v.example']);
  const server = await control.create('certificate', { certificate: issued.certificatePem, private_key: issued.privateKeyPem });
  const https = await listener(control, lb.id, 'HTTPS', 443, { default_tls_container_ref: `http://127.0.0.1:9876/v2/lbaas/certificates/${server.id}` });
  assert.equal(https.protocol, 'HTTPS', 'a certificate URL is a valid reference');
  await rejects(control.update('listener', https.id, { client_ca_tls_container_ref: server.id, client_authentication: 'MANDATORY' }), 'CERTIFICATE_TYPE', 400, /client_ca_tls_container_ref needs a client/);
  const mtls = await control.update('listener', https.id, { client_ca_tls_container_ref: client.id, client_authentication: 'MANDATORY' });
  assert.equal(mtls.client_authentication, 'MANDATORY');
});

test('pool rules: owner required, session persistence per protocol, one default pool per listener', async (t) => {
  const { control } = await controlPlaneFor(t);
  const { lb, http, tcp } = await world(control);
  await rejects(control.create('pool', { protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' }), 'INVALID_BODY', 400, /loadbalancer_id: one of loadbalancer_id or listener_id/);
  await rejects(control.create('pool', { loadbalancer_id: lb.id, protocol: 'HTTP' }), 'INVALID_BODY', 400, /lb_algorithm/);
  await rejects(pool(control, { loadbalancer_id: lb.id }, 'TCP', { session_persistence: { type: 'HTTP_COOKIE' } }), 'SESSION_PERSISTENCE_INVALID', 400, /HTTP_COOKIE is not valid for a TCP pool/);
  await rejects(pool(control, { loadbalancer_id: lb.id }, 'HTTP', { session_persistence: { type: 'APP_COOKIE' } }), 'SESSION_PERSISTENCE_INVALID', 400, /cookie_name is required/);
  const sticky = await pool(control, { loadbalancer_id: lb.id }, 'UDP', { session_persistence: { type: 'SOURCE_IP', persistence_timeout: 60 } });
  assert.deepEqual(sticky.session_persistence, { type: 'SOURCE_IP', cookie_name: null, persistence_timeout: 60, persistence_granularity: null });
  const first = await pool(control, { listener_id: http.id }, 'HTTP');
  await rejects(pool(control, { listener_id: http.id }, 'HTTP'), 'LISTENER_HAS_DEFAULT_POOL', 409, new RegExp(`already has default pool ${first.id}`));
  const other = await loadBalancer(control);
  await rejects(pool(control, { listener_id: tcp.id, loadbalancer_id: other.id }, 'TCP'), 'POOL_LB_MISMATCH', 400, /belongs to another load balancer/);
  await rejects(control.update('pool', first.id, { protocol: 'HTTPS' }), 'IMMUTABLE_FIELD', 400, /Field protocol/);
});

test('member rules: IP address, port default 80 only for HTTP pools, no duplicate address+port, immutables', async (t) => {
  const { control } = await controlPlaneFor(t);
  const { httpPool, tcpPool } = await world(control);
  const web = await control.create('member', { address: '192.0.2.1' }, { pool_id: httpPool.id });
  assert.equal(web.protocol_port, 80);
  assert.equal(web.weight, 1);
  await rejects(control.create('member', { address: '192.0.2.1' }, { pool_id: tcpPool.id }), 'INVALID_BODY', 400, /protocol_port: required for members of TCP pools/);
  await rejects(control.create('member', { address: 'web.example', protocol_port: 80 }, { pool_id: tcpPool.id }), 'CIDR_INVALID', 400, /web\.example in address/);
  await rejects(control.create('member', { address: '192.0.2.1', protocol_port: 80 }, { pool_id: httpPool.id }), 'MEMBER_ADDRESS_CONFLICT', 409, new RegExp(`Member ${web.id} already uses 192\\.0\\.2\\.1:80`));
  // Same port, other address; same address, other port: both fine (spec table 2).
  await control.create('member', { address: '192.0.2.2', protocol_port: 80 }, { pool_id: httpPool.id });
  await control.create('member', { address: '192.0.2.1', protocol_port: 8080 }, { pool_id: httpPool.id });
  await rejects(control.create('member', { address: '192.0.2.1', weight: 300 }, { pool_id: httpPool.id }), 'INVALID_BODY', 400, /weight/);
  await rejects(control.update('member', web.id, { address: '192.0.2.9' }, { pool_id: httpPool.id }), 'IMMUTABLE_FIELD', 400, /Field address/);
  assert.equal((await control.update('member', web.id, { weight: 0 }, { pool_id: httpPool.id })).weight, 0);
});

test('health monitor rules: type per pool protocol, timing, HTTP fields, one per pool', async (t) => {
  const { control } = await controlPlaneFor(t);
  const { httpPool, udpPool, tcpPool } = await world(control);
  const base = { delay: 5, timeout: 3, max_retries: 3 };
  await rejects(control.create('healthmonitor', { pool_id: udpPool.id, type: 'PING', ...base }), 'HEALTH_MONITOR_TYPE', 400, /PING is not valid for a UDP pool/);
  await rejects(control.create('healthmonitor', { pool_id: tcpPool.id, type: 'UDP-CONNECT', ...base }), 'HEALTH_MONITOR_TYPE', 400, /UDP-CONNECT is not valid for a TCP pool/);
  await rejects(control.create('healthmonitor', { pool_id: httpPool.id, type: 'HTTP', delay: 2, timeout: 3, max_retries: 3 }), 'HEALTH_MONITOR_TIMING', 400, /timeout \(3\) must not exceed delay \(2\)/);
  await rejects(control.create('healthmonitor', { pool_id: tcpPool.id, type: 'TCP', url_path: '/x', ...base }), 'INVALID_BODY', 400, /url_path: applies only to HTTP/);
  const monitor = await control.create('healthmonitor', { pool_id: httpPool.id, type: 'HTTP', ...base });
  assert.deepEqual([monitor.http_method, monitor.url_path, monitor.expected_codes, monitor.max_retries_down], ['GET', '/', '200', 3]);
  await rejects(control.create('healthmonitor', { pool_id: httpPool.id, type: 'TCP', ...base }), 'HEALTH_MONITOR_EXISTS', 409, new RegExp(`already has health monitor ${monitor.id}`));
  await rejects(control.update('healthmonitor', monitor.id, { type: 'TCP' }), 'IMMUTABLE_FIELD', 400, /Field type/);
  await rejects(control.update('healthmonitor', monitor.id, { delay: 1 }), 'HEALTH_MONITOR_TIMING', 400, /must not exceed delay/);
  assert.equal((await control.show('pool', httpPool.id)).healthmonitor_id, monitor.id);
  assert.equal((await control.update('healthmonitor', monitor.id, { url_path: null })).url_path, '/', 'null resets to the default');
});

test('l7 policy and rule rules through the control plane', async (t) => {
  const { control } = await controlPlaneFor(t);
  const { lb, http, tcp } = await world(control);
  await rejects(control.create('l7policy', { listener_id: tcp.id, action: 'REJECT' }), 'L7_POLICY_INVALID', 400, /forwarding policies need an HTTP/);
  await rejects(control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_URL' }), 'L7_POLICY_INVALID', 400, /action REDIRECT_TO_URL requires redirect_url/);
  await rejects(control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_URL', redirect_url: 'https://x.example/', redirect_http_code: 304 }), 'L7_POLICY_INVALID', 400, /redirect_http_code 304/);
  await rejects(control.create('l7policy', { listener_id: http.id, action: 'FIXED_RESPONSE', fixed_response_config: { status_code: '700' } }), 'L7_POLICY_INVALID', 400, /status_code "700"/);
  await rejects(control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_LISTENER', redirect_listener_id: tcp.id }), 'L7_POLICY_INVALID', 400, /it must be an HTTPS or TERMINATED_HTTPS listener/);
  const issued = ca.issueServer(['r.example']);
  const cert = await control.create('certificate', { certificate: issued.certificatePem, private_key: issued.privateKeyPem });
  const https = await listener(control, lb.id, 'TERMINATED_HTTPS', 443, { default_tls_container_ref: cert.id });
  const upgrade = await control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_LISTENER', redirect_listener_id: https.id });
  assert.equal(upgrade.redirect_http_code, 302);
  const fixed = await control.create('l7policy', { listener_id: http.id, action: 'FIXED_RESPONSE', fixed_response_config: { status_code: '503' } });
  assert.deepEqual(fixed.fixed_response_config, { status_code: '503', content_type: 'text/plain', message_body: '' });

  await rejects(control.create('l7rule', { type: 'HEADER', compare_type: 'EQUAL_TO', value: 'x' }, { l7policy_id: fixed.id }), 'L7_RULE_INVALID', 400, /HEADER rules require key/);
  await rejects(control.create('l7rule', { type: 'PATH', compare_type: 'REGEX', value: '([' }, { l7policy_id: fixed.id }), 'L7_RULE_INVALID', 400, /not a valid regular expression/);
  await rejects(control.create('l7rule', { type: 'SOURCE_IP', compare_type: 'EQUAL_TO', value: '10.0.0.0/99' }, { l7policy_id: fixed.id }), 'L7_RULE_INVALID', 400, /IP address or CIDR/);
  await rejects(control.create('l7rule', { type: 'PATH', compare_type: 'STARTS_WITH', value: '/' }, { l7policy_id: 'nope' }), 'NOT_FOUND', 404, /l7policy nope/);
  const rule = await control.create('l7rule', { type: 'PATH', compare_type: 'STARTS_WITH', value: '/api' }, { l7policy_id: fixed.id });
  await rejects(control.update('l7rule', rule.id, { compare_type: 'REGEX', value: '(' }, { l7policy_id: fixed.id }), 'L7_RULE_INVALID', 400, /regular expression/);
  assert.deepEqual((await control.show('l7policy', fixed.id)).rules, [{ id: rule.id }]);
});

test('ip groups: CIDR entries checked, referenced from listeners', async (t) => {
  const { control } = await controlPlaneFor(t);
  const { lb } = await world(control);
  await rejects(control.create('ipgroup', { ip_list: [{ ip: '10.0.0.0/8' }, { ip: 'bad' }] }), 'CIDR_INVALID', 400, /bad in ip_list\[1\]/);
  const group = await control.create('ipgroup', { name: 'office', ip_list: [{ ip: '10.0.0.0/8' }, { ip: '2001:db8::/32', description: 'v6' }] });
  assert.deepEqual(group.ip_list, [{ ip: '10.0.0.0/8', description: '' }, { ip: '2001:db8::/32', description: 'v6' }]);
  const guarded = await listener(control, lb.id, 'TCP', 9000, { ipgroup: { ipgroup_id: group.id, type: 'black' } });
  assert.deepEqual(guarded.ipgroup, { ipgroup_id: group.id, enable_ipgroup: true, type: 'black' });
  assert.deepEqual((await control.show('ipgroup', group.id)).listeners, [{ id: guarded.id }]);
});
