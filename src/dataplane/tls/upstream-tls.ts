// TLS towards the members of an HTTPS pool (re-encryption): verify the member's chain against the
// pool's CA when one is given (else, as Octavia's `verify none`, accept any certificate), present
// the pool's client certificate when one is set, and send SNI = the request's Host when enabled.
// Like HAProxy without `verifyhost`, the chain is checked but not the name: members are reached
// by address, and their certificates rarely name it.

import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { SnapshotPool } from '../../snapshot/snapshot.js';

export type PoolTls = NonNullable<SnapshotPool['tls']>;

export function upstreamTlsOptions(tls: PoolTls, host: string): ConnectionOptions {
  const name = host.replace(/^\[|\]$/g, '');
  return {
    rejectUnauthorized: tls.caPem !== null,
    checkServerIdentity: () => undefined,
    ...(tls.caPem !== null ? { ca: tls.caPem } : {}),
    ...(tls.clientCertificate !== null ? { cert: tls.clientCertificate.certificatePem, key: tls.clientCertificate.privateKeyPem } : {}),
    // SNI must be a DNS name; an IP literal Host sends none.
    ...(tls.sni && name !== '' && isIP(name) === 0 ? { servername: name } : {}),
  };
}
