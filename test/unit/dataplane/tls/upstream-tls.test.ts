import assert from 'node:assert/strict';
import { it } from 'node:test';
import { upstreamTlsOptions } from '../../../../src/dataplane/tls/upstream-tls.js';

it('verifies members only when the pool has a CA, and sends SNI = Host for DNS names', () => {
  const verified = upstreamTlsOptions({ caPem: 'CA', clientCertificate: null, sni: true }, 'shop.test');
  assert.deepEqual([verified.rejectUnauthorized, verified.ca, verified.servername], [true, 'CA', 'shop.test']);
  const unverified = upstreamTlsOptions({ caPem: null, clientCertificate: null, sni: true }, '127.0.0.1');
  assert.deepEqual([unverified.rejectUnauthorized, unverified.servername], [false, undefined]);
  const noSni = upstreamTlsOptions({ caPem: null, clientCertificate: { id: 'c', certificatePem: 'C', privateKeyPem: 'K', names: [] }, sni: false }, 'shop.test');
  assert.deepEqual([noSni.servername, noSni.cert, noSni.key], [undefined, 'C', 'K']);
});
