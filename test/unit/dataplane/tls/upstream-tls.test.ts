import assert from 'node:assert/strict';
import { it } from 'node:test';
import { upstreamTlsOptions } from '../../../../src/dataplane/tls/upstream-tls.js';
import { poolTls } from '../../../helpers/fake-pools.js';

it('verifies members only when the pool has a CA, and sends SNI = Host for DNS names', () => {
  const verified = upstreamTlsOptions(poolTls({ caPem: 'CA' }), 'shop.test');
  assert.deepEqual([verified.rejectUnauthorized, verified.ca, verified.servername], [true, 'CA', 'shop.test']);
  const unverified = upstreamTlsOptions(poolTls(), '127.0.0.1');
  assert.deepEqual([unverified.rejectUnauthorized, unverified.servername], [false, undefined]);
  const noSni = upstreamTlsOptions(poolTls({ clientCertificate: { id: 'c', certificatePem: 'C', privateKeyPem: 'K', names: [] }, sni: false }), 'shop.test');
  assert.deepEqual([noSni.servername, noSni.cert, noSni.key], [undefined, 'C', 'K']);
});

it('applies the pool\'s TLS versions, ciphers, ALPN and revocation lists', () => {
  const options = upstreamTlsOptions(poolTls({ caPem: 'CA', crls: ['CRL'], versions: ['TLSv1.3'], ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', alpnProtocols: ['http/1.1'] }), 'shop.test');
  assert.deepEqual([options.minVersion, options.maxVersion, options.ciphers, options.ALPNProtocols, options.crl], ['TLSv1.3', 'TLSv1.3', 'ECDHE-RSA-AES128-GCM-SHA256', ['http/1.1'], ['CRL']]);
  const defaults = upstreamTlsOptions(poolTls(), 'shop.test');
  assert.deepEqual([defaults.minVersion, defaults.maxVersion, defaults.ciphers, defaults.ALPNProtocols, defaults.crl], ['TLSv1.2', 'TLSv1.3', undefined, undefined, undefined]);
});
