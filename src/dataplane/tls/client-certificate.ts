// The client certificate of a TLS connection: as forwarding rules see it (SSL_* rule types) and as
// Octavia's X-SSL-Client-* insert_headers pass it to members.

import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { ClientCertificateFacts } from '../routing/request-facts.js';

function peerCertificate(socket: TLSSocket): PeerCertificate | null {
  const certificate = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  return certificate === null || Object.keys(certificate).length === 0 ? null : certificate;
}

export function clientCertificateFacts(socket: TLSSocket): ClientCertificateFacts | null {
  const certificate = peerCertificate(socket);
  if (certificate === null) return null;
  return { verified: socket.authorized, subject: { ...certificate.subject } };
}

/** A DN in the one-line form HAProxy sends: /C=../O=../CN=.. */
function distinguishedName(fields: Readonly<Record<string, string | string[] | undefined>>): string {
  return Object.entries(fields)
    .flatMap(([key, value]) => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => `/${key}=${v}`))
    .join('');
}

/** The X-SSL-* headers Octavia's insert_headers may ask for, by lower-case name. */
export function clientCertificateHeaders(socket: TLSSocket): Record<string, string> {
  const certificate = peerCertificate(socket);
  if (certificate === null) return { 'x-ssl-client-has-cert': 'false' };
  return {
    'x-ssl-client-has-cert': 'true',
    // HAProxy's ssl_c_verify: 0 when the chain verified, else an error code.
    'x-ssl-client-verify': socket.authorized ? '0' : '1',
    'x-ssl-client-dn': distinguishedName(certificate.subject),
    'x-ssl-client-cn': String(certificate.subject.CN ?? ''),
    'x-ssl-issuer': distinguishedName(certificate.issuer),
    'x-ssl-client-sha1': certificate.fingerprint.replace(/:/g, ''),
    'x-ssl-client-not-before': certificate.valid_from,
    'x-ssl-client-not-after': certificate.valid_to,
  };
}
