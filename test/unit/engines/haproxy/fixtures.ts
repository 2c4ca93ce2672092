// Snapshots that exercise every field the HAProxy engine renders, for the golden renders and the
// planner's tables. Certificates come from a throwaway CA: the configuration text names their
// files only, so the goldens do not depend on the keys.

import type { Snapshot, SnapshotPolicy, SnapshotRule, SnapshotTlsCertificate } from '../../../../src/snapshot/snapshot.js';
import { after, before } from 'node:test';
import { createTestCa, type TestCa } from '../../../helpers/test-ca.js';
import { makeListener, makeMember, makeMonitor, makePool, makeSnapshot } from '../../dataplane/support.js';

export interface FixtureCertificates {
  readonly web: SnapshotTlsCertificate;
  readonly api: SnapshotTlsCertificate;
  readonly caPem: string;
  /** The CA's revocation list (PEM). */
  readonly crlPem: string;
}

/** For a describe block: a test CA made before its tests and closed after them, with the fixtures' certificates it issued. */
export function fixtureCa(): { ca: TestCa; certificates: FixtureCertificates } {
  const made = {} as { ca: TestCa; certificates: FixtureCertificates };
  before(() => {
    made.ca = createTestCa();
    made.certificates = issueFixtureCertificates(made.ca);
  });
  after(() => made.ca?.close());
  return made;
}

/** The fixtures' certificates, issued by `ca`: web.test, api.test with *.api.test, the CA and a CRL. */
function issueFixtureCertificates(ca: TestCa): FixtureCertificates {
  return { web: ca.issueServer(['web.test']).snapshot('cert-web'), api: ca.issueServer(['api.test', '*.api.test']).snapshot('cert-api'), caPem: ca.caPem, crlPem: ca.revoke() };
}

function rule(id: string, type: SnapshotRule['type'], compareType: SnapshotRule['compareType'], value: string, key: string | null = null, invert = false): SnapshotRule {
  return { id, type, compareType, key, value, invert };
}

function policy(id: string, position: number, action: SnapshotPolicy['action'], rules: SnapshotRule[], extra: Partial<SnapshotPolicy> = {}): SnapshotPolicy {
  return { id, position, action, rules, redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: null, ...extra };
}

/** TCP, SSL and UDP listeners; every algorithm, PROXY v1/v2, backups, a monitor with its own address. */
export function l4Snapshot(certificates: FixtureCertificates): Snapshot {
  const members = [makeMember({ id: 'm-1', address: '127.0.0.1', port: 9001, weight: 3 }), makeMember({ id: 'm-2', address: '::1', port: 9002, weight: 0 }), makeMember({ id: 'm-3', port: 9003, backup: true }), makeMember({ id: 'm-4', port: 9004, enabled: false, monitorAddress: '127.0.0.2', monitorPort: 9104 })];
  const pools = [
    makePool({ id: 'rr', members, healthMonitor: makeMonitor({ id: 'hm-tcp', type: 'TCP', intervalMs: 2000, timeoutMs: 1000, riseCount: 2, fallCount: 3 }) }),
    makePool({ id: 'lc', algorithm: 'LEAST_CONNECTIONS', protocol: 'PROXY', members: [makeMember({ id: 'm-5', port: 9005 })] }),
    makePool({ id: 'sip', algorithm: 'SOURCE_IP', protocol: 'PROXYV2', members: [makeMember({ id: 'm-6', port: 9006 })], sessionPersistence: { type: 'SOURCE_IP', cookieName: null, timeoutSeconds: 360, granularity: '255.255.255.0' } }),
    makePool({ id: 'sipp', algorithm: 'SOURCE_IP_PORT', members: [makeMember({ id: 'm-7', port: 9007 })], healthMonitor: makeMonitor({ id: 'hm-hello', type: 'TLS-HELLO' }) }),
    makePool({ id: 'off', enabled: false, members: [makeMember({ id: 'm-8', port: 9008 })] }),
    makePool({ id: 'udp', protocol: 'UDP', members: [makeMember({ id: 'm-9', port: 9009 })] }),
  ];
  const timeouts = { clientData: 30_000, memberConnect: 2_000, memberData: 40_000 };
  return makeSnapshot(7, [
    makeListener({ id: 'tcp-rr', port: 8001, address: '127.0.1.1', defaultPoolId: 'rr', connectionLimit: 100, timeouts, accessControl: { allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'], ipGroup: null } }),
    makeListener({ id: 'tcp-lc', port: 8002, address: '127.0.1.1', defaultPoolId: 'lc', accessControl: { allowedCidrs: [], ipGroup: { type: 'black', cidrs: ['192.0.2.0/24'] } } }),
    makeListener({ id: 'tcp-sip', port: 8003, address: '::1', defaultPoolId: 'sip', accessControl: { allowedCidrs: [], ipGroup: { type: 'white', cidrs: ['127.0.0.0/8', '::1'] } } }),
    makeListener({ id: 'tcp-sipp', port: 8004, address: '127.0.1.1', defaultPoolId: 'sipp' }),
    makeListener({ id: 'tcp-off', port: 8005, address: '127.0.1.1', defaultPoolId: 'off' }),
    makeListener({ id: 'tcp-nopool', port: 8006, address: '127.0.1.1' }),
    makeListener({ id: 'tcp-disabled', port: 8007, address: '127.0.1.1', enabled: false, defaultPoolId: 'rr' }),
    makeListener({ id: 'udp', port: 8001, address: '127.0.1.1', protocol: 'UDP', defaultPoolId: 'udp' }),
    makeListener({
      id: 'ssl',
      port: 8443,
      address: '127.0.1.1',
      protocol: 'SSL',
      defaultPoolId: 'lc',
      tls: { defaultCertificate: certificates.web, sniCertificates: [certificates.api], clientCaPem: certificates.caPem, clientCrls: [], clientAuthentication: 'MANDATORY', versions: ['TLSv1.2'], ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256', alpnProtocols: [] },
    }),
  ], pools);
}

/** HTTP and HTTPS listeners: every rule type and action, header insertion, persistence, monitors, re-encryption, access logs. */
export function l7Snapshot(certificates: FixtureCertificates): Snapshot {
  const web = makePool({ id: 'web', protocol: 'HTTP', members: [makeMember({ id: 'w-1', port: 9101 }), makeMember({ id: 'w-2', port: 9102, weight: 2 })], sessionPersistence: { type: 'HTTP_COOKIE', cookieName: null, timeoutSeconds: 0, granularity: null }, healthMonitor: makeMonitor({ id: 'hm-http', type: 'HTTP', httpMethod: 'HEAD', urlPath: '/health?full=1', expectedCodes: [[200, 204]], httpVersion: 1.1, domainName: 'web.test' }) });
  const api = makePool({ id: 'api', protocol: 'HTTP', algorithm: 'LEAST_CONNECTIONS', members: [makeMember({ id: 'a-1', port: 9201 })], sessionPersistence: { type: 'APP_COOKIE', cookieName: 'JSESSIONID', timeoutSeconds: 0, granularity: null }, healthMonitor: makeMonitor({ id: 'hm-https', type: 'HTTPS', expectedCodes: [[200, 200]] }) });
  const secure = makePool({ id: 'secure', protocol: 'HTTPS', members: [makeMember({ id: 's-1', port: 9301 })], tls: { caPem: certificates.caPem, clientCertificate: certificates.api, sni: true, crls: [certificates.crlPem], versions: ['TLSv1.2', 'TLSv1.3'], ciphers: null, alpnProtocols: ['http/1.1'] }, healthMonitor: makeMonitor({ id: 'hm-tcp2', type: 'TCP' }) });
  const insecure = makePool({ id: 'insecure', protocol: 'HTTPS', members: [makeMember({ id: 'i-1', port: 9302 })], tls: { caPem: null, clientCertificate: null, sni: true, crls: [], versions: null, ciphers: null, alpnProtocols: [] } });
  const policies: SnapshotPolicy[] = [
    policy('p-reject', 1, 'REJECT', [rule('r-path', 'PATH', 'STARTS_WITH', '/admin'), rule('r-src', 'SOURCE_IP', 'EQUAL_TO', '10.0.0.0/8, 2001:db8::/32', null, true)]),
    policy('p-api', 2, 'REDIRECT_TO_POOL', [rule('r-host', 'HOST_NAME', 'EQUAL_TO', '*.API.test')]),
    policy('p-url', 3, 'REDIRECT_TO_URL', [rule('r-old', 'PATH', 'EQUAL_TO', '/old')], { redirectUrl: 'https://example.org/new?x=100%', redirectHttpCode: 301 }),
    policy('p-prefix', 4, 'REDIRECT_PREFIX', [rule('r-moved', 'PATH', 'REGEX', '^/moved(/|$)')], { redirectPrefix: 'https://example.org/' }),
    policy('p-fixed', 5, 'FIXED_RESPONSE', [rule('r-health', 'PATH', 'EQUAL_TO', '/health')], { fixedResponse: { status_code: '200', content_type: 'application/json', message_body: '{"ok": "yes \\"quoted\\" $HOME"}' } }),
    policy('p-empty', 6, 'FIXED_RESPONSE', [rule('r-empty', 'PATH', 'EQUAL_TO', '/empty')], { fixedResponse: { status_code: '204', content_type: 'text/plain', message_body: '' } }),
    policy('p-listener', 7, 'REDIRECT_TO_LISTENER', [rule('r-secure', 'PATH', 'STARTS_WITH', '/secure')], { redirectListener: { protocol: 'HTTPS', port: 8443 } }),
    policy('p-header', 8, 'REDIRECT_TO_POOL', [rule('r-header', 'HEADER', 'CONTAINS', 'beta "1"', 'X-Channel'), rule('r-cookie', 'COOKIE', 'ENDS_WITH', 'api', 'backend')], { redirectPoolId: 'api' }),
    policy('p-file', 9, 'REDIRECT_TO_POOL', [rule('r-file', 'FILE_TYPE', 'EQUAL_TO', '.PNG'), rule('r-method', 'METHOD', 'EQUAL_TO', 'get')], { redirectPoolId: 'secure' }),
    policy('p-query', 10, 'REDIRECT_TO_POOL', [rule('r-query', 'QUERY_STRING', 'EQUAL_TO', 'images', 'to'), rule('r-qs', 'QUERY_STRING', 'CONTAINS', 'debug')], { redirectPoolId: 'insecure' }),
    policy('p-nopolicy-rules', 11, 'REJECT', []),
  ];
  const tlsPolicies: SnapshotPolicy[] = [
    policy('p-cert', 1, 'REDIRECT_TO_POOL', [rule('r-has', 'SSL_CONN_HAS_CERT', 'EQUAL_TO', 'True'), rule('r-verify', 'SSL_VERIFY_RESULT', 'EQUAL_TO', '0'), rule('r-dn', 'SSL_DN_FIELD', 'EQUAL_TO', 'elbow tests', 'O')], { redirectPoolId: 'api' }),
    policy('p-late-reject', 2, 'REJECT', [rule('r-late', 'PATH', 'STARTS_WITH', '/')]),
  ];
  const every = { 'X-Forwarded-For': 'true', 'X-Forwarded-Port': 'true', 'X-Forwarded-Proto': 'TRUE', 'X-Real-IP': 'true', 'X-Forwarded-Host': 'true', 'X-Forwarded-ELB-IP': 'true', 'X-Unknown': 'true', 'X-Forwarded-Nothing': 'false' };
  const ssl = { 'X-SSL-Client-Has-Cert': 'true', 'X-SSL-Client-Verify': 'true', 'X-SSL-Client-DN': 'true', 'X-SSL-Client-CN': 'true', 'X-SSL-Issuer': 'true', 'X-SSL-Client-SHA1': 'true', 'X-SSL-Client-Not-Before': 'true', 'X-SSL-Client-Not-After': 'true', 'X-Forwarded-Proto': 'true' };
  return makeSnapshot(9, [
    makeListener({ id: 'http', protocol: 'HTTP', port: 8080, address: '127.0.1.1', defaultPoolId: 'web', insertHeaders: every, policies, accessLog: true, httpKeepAliveMs: 5_000, timeouts: { clientData: 60_000, memberConnect: 3_000, memberData: 45_000 } }),
    makeListener({
      id: 'https',
      protocol: 'TERMINATED_HTTPS',
      port: 8443,
      address: '::',
      defaultPoolId: 'secure',
      insertHeaders: ssl,
      policies: tlsPolicies,
      tls: { defaultCertificate: certificates.web, sniCertificates: [certificates.api], clientCaPem: certificates.caPem, clientCrls: [certificates.crlPem], clientAuthentication: 'OPTIONAL', versions: null, ciphers: 'tls-1-2-fs-with-1-3', alpnProtocols: ['h2', 'http/1.1'] },
      hsts: { maxAge: 31_536_000, includeSubdomains: true, preload: true },
    }),
    makeListener({ id: 'http-nopool', protocol: 'HTTP', port: 8081, address: '127.0.1.1', policies: [policy('p-dead', 1, 'REDIRECT_TO_POOL', [rule('r-dead', 'PATH', 'EQUAL_TO', '/gone')])] }),
  ], [web, api, secure, insecure]);
}
