// The client certificate of a TLS connection as forwarding rules see it (SSL_* rule types).

import type { TLSSocket } from 'node:tls';
import type { ClientCertificateFacts } from '../routing/request-facts.js';

export function clientCertificateFacts(socket: TLSSocket): ClientCertificateFacts | null {
  const certificate = socket.getPeerCertificate();
  if (Object.keys(certificate).length === 0) return null;
  return { verified: socket.authorized, subject: { ...certificate.subject } };
}
