// A listener's TLS configuration compiled once per snapshot into secure contexts: the default
// certificate, SNI certificates by exact and `*.` wildcard name, the client CA and the protocol
// settings. A running server switches to a new compilation with applyListenerTls(), so a
// replaced certificate serves the next handshake without rebinding.

import { constants as cryptoConstants } from 'node:crypto';
import { createSecureContext, type SecureContext, type Server as TlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import type { SnapshotListenerTls, SnapshotTlsCertificate } from '../../snapshot/snapshot.js';
import { useTicketKeys, useTicketKeysOnServer } from './session-tickets.js';
import { resolveTlsProtocol } from './tls-policies.js';

export interface CompiledListenerTls {
  /** Options for the default context (also given to the server at creation). */
  readonly defaultOptions: TlsOptions;
  /** The context for an SNI server name (the default one when nothing matches). */
  contextFor(serverName: string): SecureContext;
  readonly requestCert: boolean;
  /** MANDATORY: the handshake fails without a valid client certificate. */
  readonly rejectUnauthorized: boolean;
  /** OPTIONAL: a client that presents a certificate must present a valid one. */
  readonly rejectInvalidPresented: boolean;
}

function contextOptions(certificate: SnapshotTlsCertificate, tls: SnapshotListenerTls): TlsOptions {
  const protocol = resolveTlsProtocol(tls.versions, tls.ciphers);
  return {
    cert: certificate.certificatePem,
    key: certificate.privateKeyPem,
    ...(tls.clientCaPem !== null && tls.clientAuthentication !== 'NONE' ? { ca: tls.clientCaPem } : {}),
    // OpenSSL then checks every certificate of a client's chain against the CRLs (crl_check_all).
    ...(tls.clientCaPem !== null && tls.clientAuthentication !== 'NONE' && tls.clientCrls.length > 0 ? { crl: [...tls.clientCrls] } : {}),
    minVersion: protocol.minVersion,
    maxVersion: protocol.maxVersion,
    ...(protocol.ciphers !== undefined ? { ciphers: protocol.ciphers } : {}),
    // Resumption is by tickets (session-tickets.ts), valid for 5 minutes as HAProxy's default.
    sessionTimeout: 300,
    // A client may not renegotiate (TLS 1.2): each renegotiation costs the server a handshake on
    // demand. Refused with a no_renegotiation alert, as HAProxy does.
    secureOptions: cryptoConstants.SSL_OP_NO_RENEGOTIATION,
  };
}

function createContext(options: TlsOptions): SecureContext {
  const context = createSecureContext(options);
  useTicketKeys(context);
  return context;
}

export function compileListenerTls(tls: SnapshotListenerTls): CompiledListenerTls {
  const defaultOptions = contextOptions(tls.defaultCertificate, tls);
  const defaultContext = createContext(defaultOptions);
  const exact = new Map<string, SecureContext>();
  const wildcard = new Map<string, SecureContext>();
  for (const certificate of tls.sniCertificates) {
    const context = createContext(contextOptions(certificate, tls));
    for (const name of certificate.names) {
      const lower = name.toLowerCase();
      const table = lower.startsWith('*.') ? wildcard : exact;
      const key = lower.startsWith('*.') ? lower.slice(2) : lower;
      // The first SNI certificate naming a host wins, as in the order of sni_container_refs.
      if (!table.has(key)) table.set(key, context);
    }
  }
  const mandatory = tls.clientAuthentication === 'MANDATORY';
  const optional = tls.clientAuthentication === 'OPTIONAL';
  return {
    defaultOptions,
    contextFor(serverName) {
      const name = serverName.toLowerCase();
      const dot = name.indexOf('.');
      return exact.get(name) ?? (dot === -1 ? undefined : wildcard.get(name.slice(dot + 1))) ?? defaultContext;
    },
    requestCert: tls.clientCaPem !== null && (mandatory || optional),
    rejectUnauthorized: tls.clientCaPem !== null && mandatory,
    rejectInvalidPresented: tls.clientCaPem !== null && optional,
  };
}

/** Server options that route every handshake through `current()`, read at handshake time. */
export function tlsServerOptions(current: () => CompiledListenerTls): TlsOptions {
  const compiled = current();
  return {
    ...compiled.defaultOptions,
    requestCert: compiled.requestCert,
    rejectUnauthorized: compiled.rejectUnauthorized,
    SNICallback: (serverName, callback) => callback(null, current().contextFor(serverName)),
  };
}

/** Switches a running server to a new compilation: the next handshake uses it. */
export function applyListenerTls(server: TlsServer, compiled: CompiledListenerTls): void {
  server.setSecureContext(compiled.defaultOptions);
  useTicketKeysOnServer(server);
  // tls.Server reads these per accepted connection.
  const settable = server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
  settable.requestCert = compiled.requestCert;
  settable.rejectUnauthorized = compiled.rejectUnauthorized;
}

/** OPTIONAL client authentication: a presented certificate that did not verify ends the connection. */
export function refusesPresentedCertificate(compiled: CompiledListenerTls, socket: TLSSocket): boolean {
  if (!compiled.rejectInvalidPresented || socket.authorized) return false;
  return Object.keys(socket.getPeerCertificate()).length > 0;
}
