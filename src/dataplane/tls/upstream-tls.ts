// TLS towards the members of an HTTPS pool, or an HTTP pool with tls_enabled (re-encryption):
// verify the member's chain against the pool's CA when one is given (else, as Octavia's
// `verify none`, accept any certificate) and its revocation list, present the pool's client
// certificate when one is set, send SNI = the request's Host when enabled, and speak the pool's
// tls_versions / tls_ciphers / alpn_protocols.
// Like HAProxy without `verifyhost`, the chain is checked but not the name: members are reached
// by address, and their certificates rarely name it.

import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { SnapshotPoolTls } from '../../snapshot/snapshot.js';
import { resolveTlsProtocol } from './tls-policies.js';

export type PoolTls = SnapshotPoolTls;

export function upstreamTlsOptions(tls: PoolTls, host: string): ConnectionOptions {
  const name = host.replace(/^\[|\]$/g, '');
  const protocol = resolveTlsProtocol(tls.versions, tls.ciphers);
  return {
    rejectUnauthorized: tls.caPem !== null,
    checkServerIdentity: () => undefined,
    minVersion: protocol.minVersion,
    maxVersion: protocol.maxVersion,
    ...(protocol.ciphers !== undefined ? { ciphers: protocol.ciphers } : {}),
    ...(tls.alpnProtocols.length > 0 ? { ALPNProtocols: [...tls.alpnProtocols] } : {}),
    ...(tls.caPem !== null ? { ca: tls.caPem } : {}),
    ...(tls.caPem !== null && tls.crls.length > 0 ? { crl: [...tls.crls] } : {}),
    ...(tls.clientCertificate !== null ? { cert: tls.clientCertificate.certificatePem, key: tls.clientCertificate.privateKeyPem } : {}),
    // SNI must be a DNS name; an IP literal Host sends none.
    ...(tls.sni && name !== '' && isIP(name) === 0 ? { servername: name } : {}),
  };
}
