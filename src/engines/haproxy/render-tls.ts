// The TLS protocol settings one listener or pool asks for (tls_versions, tls_ciphers,
// alpn_protocols), as `bind` and `server` options: the same resolution as the Node engine's
// (model/tls-policies.ts), with the cipher string split the way HAProxy takes it.

import { resolveTlsProtocol, type TlsVersionName } from '../../model/tls-policies.js';
import { quoted } from './config-syntax.js';

const HAPROXY_VERSION: Record<TlsVersionName, string> = { TLSv1: 'TLSv1.0', 'TLSv1.1': 'TLSv1.1', 'TLSv1.2': 'TLSv1.2', 'TLSv1.3': 'TLSv1.3' };

/** OpenSSL cipher string split into TLS ≤1.2 ciphers and TLS 1.3 suites (HAProxy takes them apart). */
function splitCiphers(ciphers: string): { ciphers: string; suites: string } {
  const parts = ciphers.split(':').filter((part) => part !== '');
  return { ciphers: parts.filter((part) => !part.startsWith('TLS_')).join(':'), suites: parts.filter((part) => part.startsWith('TLS_')).join(':') };
}

export function tlsProtocolOptions(tls: { readonly versions: readonly string[] | null; readonly ciphers: string | null; readonly alpnProtocols: readonly string[] }): string[] {
  const protocol = resolveTlsProtocol(tls.versions, tls.ciphers);
  const parts = [`ssl-min-ver ${HAPROXY_VERSION[protocol.minVersion]} ssl-max-ver ${HAPROXY_VERSION[protocol.maxVersion]}`];
  if (protocol.ciphers !== undefined) {
    const split = splitCiphers(protocol.ciphers);
    if (split.ciphers !== '') parts.push(`ciphers ${quoted(split.ciphers)}`);
    if (split.suites !== '') parts.push(`ciphersuites ${quoted(split.suites)}`);
  }
  if (tls.alpnProtocols.length > 0) parts.push(`alpn ${quoted(tls.alpnProtocols.join(','))}`);
  return parts;
}
