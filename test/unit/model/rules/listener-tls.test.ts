import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCertificateType } from '../../../../src/model/rules/certificate-type.js';
import { checkListenerTls, checkSslAllowed, type ListenerTlsFields } from '../../../../src/model/rules/listener-tls.js';

const plain: ListenerTlsFields = {
  protocol: 'HTTP',
  default_tls_container_ref: null,
  sni_container_refs: [],
  client_ca_tls_container_ref: null,
  client_authentication: 'NONE',
  client_crl_container_ref: null,
  tls_ciphers: null,
  tls_versions: null,
  alpn_protocols: null,
  hsts_max_age: null,
  hsts_include_subdomains: false,
  hsts_preload: false,
};

test('SSL listeners only on classic load balancers', () => {
  assert.throws(() => checkSslAllowed('SSL', { id: 'lb', type: 'standard' }), { code: 'SSL_REQUIRES_CLASSIC', status: 400, message: /load balancer lb is "standard"/ });
  assert.doesNotThrow(() => checkSslAllowed('SSL', { id: 'lb', type: 'classic' }));
  for (const protocol of ['TCP', 'UDP', 'HTTP', 'HTTPS', 'TERMINATED_HTTPS'] as const) assert.doesNotThrow(() => checkSslAllowed(protocol, { id: 'lb', type: 'standard' }));
});

test('HTTPS, TERMINATED_HTTPS and SSL need default_tls_container_ref', () => {
  for (const protocol of ['HTTPS', 'TERMINATED_HTTPS', 'SSL'] as const) {
    assert.throws(() => checkListenerTls({ ...plain, protocol }), { code: 'TLS_CERT_REQUIRED', message: new RegExp(`${protocol} listeners require`) });
    assert.doesNotThrow(() => checkListenerTls({ ...plain, protocol, default_tls_container_ref: 'c' }));
  }
});

test('TLS fields only on TLS listeners, each named', () => {
  const tlsOnly: Partial<ListenerTlsFields>[] = [
    { default_tls_container_ref: 'c' },
    { sni_container_refs: ['c'] },
    { client_ca_tls_container_ref: 'c' },
    { client_authentication: 'MANDATORY' },
    { client_crl_container_ref: 'c' },
    { tls_ciphers: 'ECDHE' },
    { tls_versions: ['TLSv1.2'] },
    { alpn_protocols: ['h2'] },
    { hsts_max_age: 10 },
    { hsts_include_subdomains: true },
    { hsts_preload: true },
  ];
  for (const protocol of ['TCP', 'UDP', 'HTTP'] as const) {
    for (const fields of tlsOnly) {
      const field = Object.keys(fields)[0] as string;
      assert.throws(() => checkListenerTls({ ...plain, protocol, ...fields }), { code: 'TLS_NOT_ALLOWED', params: { field, protocol } }, `${protocol} ${field}`);
    }
  }
});

test('TLS listener details: client auth needs a CA, versions and ALPN from the known sets', () => {
  const tls = { ...plain, protocol: 'TERMINATED_HTTPS' as const, default_tls_container_ref: 'c' };
  assert.throws(() => checkListenerTls({ ...tls, client_authentication: 'OPTIONAL' }), { code: 'INVALID_BODY', message: /attribute client_ca_tls_container_ref:/ });
  assert.doesNotThrow(() => checkListenerTls({ ...tls, client_authentication: 'MANDATORY', client_ca_tls_container_ref: 'ca' }));
  assert.throws(() => checkListenerTls({ ...tls, client_crl_container_ref: 'crl' }), { code: 'INVALID_BODY', message: /attribute client_crl_container_ref:/ });
  assert.throws(() => checkListenerTls({ ...tls, tls_versions: ['TLSv1.2', 'TLSv9'] }), { code: 'INVALID_BODY', message: /attribute tls_versions:/ });
  assert.throws(() => checkListenerTls({ ...tls, alpn_protocols: ['spdy'] }), { code: 'INVALID_BODY', message: /attribute alpn_protocols:/ });
  assert.doesNotThrow(() => checkListenerTls({ ...tls, tls_versions: ['TLSv1.2', 'TLSv1.3'], alpn_protocols: ['h2', 'http/1.1'] }));
});

test('certificate references must have the expected type', () => {
  assert.throws(() => checkCertificateType('default_tls_container_ref', { id: 'c', type: 'client' }, 'server'), { code: 'CERTIFICATE_TYPE', message: /c is a client certificate; default_tls_container_ref needs a server/ });
  assert.doesNotThrow(() => checkCertificateType('client_ca_tls_container_ref', { id: 'c', type: 'client' }, 'client'));
});
