import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshot, certificateNames, parseExpectedCodes } from '../../../src/snapshot/build-snapshot.js';
import { checkSnapshot } from '../../../src/snapshot/check-snapshot.js';
import { storeFixture } from './store-fixture.js';

test('listeners get their load balancer VIP, resolved access control and the enabled flag', () => {
  const snapshot = buildSnapshot(storeFixture());
  assert.equal(snapshot.revision, 7);
  const tcp = snapshot.listeners.find((l) => l.id === 'tcp1');
  assert.ok(tcp);
  assert.equal(tcp.address, '127.0.1.5');
  assert.equal(tcp.transport, 'tcp');
  assert.equal(tcp.enabled, true);
  assert.deepEqual(tcp.timeouts, { clientData: 50000, memberConnect: 5000, memberData: 50000 });
  assert.deepEqual(tcp.accessControl, { allowedCidrs: ['10.0.0.0/8'], ipGroup: { type: 'black', cidrs: ['10.1.0.0/16', '10.2.3.4'] } });
  const off = snapshot.listeners.find((l) => l.id === 'off1');
  assert.equal(off?.enabled, false);
  assert.equal(off?.transport, 'udp');
});

test('a load balancer that is admin down disables all its listeners', () => {
  const contents = storeFixture();
  const lb = contents.resources.loadbalancer[0];
  assert.ok(lb);
  lb.admin_state_up = false;
  assert.ok(buildSnapshot(contents).listeners.every((l) => !l.enabled));
});

test('TLS listeners resolve certificates by id or URL, with names from CN and SANs', () => {
  const https = buildSnapshot(storeFixture()).listeners.find((l) => l.id === 'https1');
  assert.ok(https?.tls);
  assert.equal(https.tls.defaultCertificate.id, 'cert-server');
  assert.equal(https.tls.defaultCertificate.privateKeyPem, 'SERVER KEY');
  assert.deepEqual(https.tls.defaultCertificate.names, ['www.example.com', 'example.com']);
  assert.deepEqual(https.tls.sniCertificates.map((c) => c.names), [['*.example.org']]);
  assert.equal(https.tls.clientCaPem, 'CA PEM');
  assert.equal(https.tls.clientAuthentication, 'OPTIONAL');
  assert.deepEqual(https.tls.alpnProtocols, ['http/1.1']);
  assert.equal(buildSnapshot(storeFixture()).listeners.find((l) => l.id === 'tcp1')?.tls, null);
});

test('policies: enabled only, by position, enabled rules only, redirect listener resolved', () => {
  const listeners = buildSnapshot(storeFixture()).listeners;
  const https = listeners.find((l) => l.id === 'https1');
  assert.deepEqual(https?.policies.map((p) => p.id), ['pol-a', 'pol-b']);
  assert.deepEqual(https?.policies[1]?.rules.map((r) => r.id), ['rule-1']);
  assert.equal(https?.policies[1]?.redirectPoolId, 'pool-redirect');
  const http = listeners.find((l) => l.id === 'http1');
  assert.deepEqual(http?.policies[0]?.redirectListener, { protocol: 'TERMINATED_HTTPS', port: 443 });
  assert.equal(http?.policies[0]?.redirectHttpCode, 301);
});

test('pools: only referenced ones, members with monitor defaults, monitor in ms', () => {
  const snapshot = buildSnapshot(storeFixture());
  assert.deepEqual(Object.keys(snapshot.pools).sort(), ['pool-http', 'pool-redirect', 'pool-tcp']);
  const pool = snapshot.pools['pool-tcp'];
  assert.ok(pool);
  assert.equal(pool.protocol, 'PROXYV2');
  assert.equal(pool.algorithm, 'SOURCE_IP');
  assert.deepEqual(pool.sessionPersistence, { type: 'SOURCE_IP', cookieName: null, timeoutSeconds: 360, granularity: null });
  assert.deepEqual(pool.members[0], { id: 'm1', name: 'one', address: '192.0.2.10', port: 5000, weight: 3, backup: false, enabled: true, monitorAddress: '192.0.2.10', monitorPort: 5000 });
  assert.deepEqual(pool.members[1], { id: 'm2', name: 'two', address: '2001:db8::2', port: 5001, weight: 1, backup: true, enabled: false, monitorAddress: '2001:db8::99', monitorPort: 9000 });
  assert.deepEqual(pool.healthMonitor, {
    id: 'hm1',
    type: 'HTTP',
    intervalMs: 5000,
    timeoutMs: 3000,
    riseCount: 2,
    fallCount: 4,
    httpMethod: 'HEAD',
    urlPath: '/health',
    expectedCodes: [[200, 204]],
    httpVersion: 1.1,
    domainName: 'health.example.com',
  });
  assert.equal(snapshot.pools['pool-redirect']?.enabled, false);
  assert.equal(snapshot.pools['pool-http']?.healthMonitor, null);
});

test('a health monitor that is admin down is left out', () => {
  const contents = storeFixture();
  const monitor = contents.resources.healthmonitor[0];
  assert.ok(monitor);
  monitor.admin_state_up = false;
  assert.equal(buildSnapshot(contents).pools['pool-tcp']?.healthMonitor, null);
});

test('the fixture builds a consistent snapshot', () => {
  assert.deepEqual(checkSnapshot(buildSnapshot(storeFixture())), []);
});

test('expected_codes forms parse into ranges', () => {
  assert.deepEqual(parseExpectedCodes('200'), [[200, 200]]);
  assert.deepEqual(parseExpectedCodes('200,202'), [[200, 200], [202, 202]]);
  assert.deepEqual(parseExpectedCodes('200, 202 ,204'), [[200, 200], [202, 202], [204, 204]]);
  assert.deepEqual(parseExpectedCodes('200-204'), [[200, 204]]);
});

test('certificate names: CN first, then SANs, no duplicates', () => {
  assert.deepEqual(certificateNames({ subject: 'O=x, CN=a.example', subject_alt_names: ['a.example', 'b.example'] }), ['a.example', 'b.example']);
  assert.deepEqual(certificateNames({ subject: 'O=x', subject_alt_names: ['c.example'] }), ['c.example']);
});
