// Binds a TLS-terminating server (node:tls or node:http2) to a listener's compiled TLS: the server
// is created with options that read the current compilation at each handshake, and an update
// swaps it (new certificates, versions, ciphers, client CA and CRL, ALPN list serve the next
// connection; no rebinding, established connections untouched). OPTIONAL client authentication
// refuses a presented certificate that did not verify. A handshake gets timeout_client_data to
// finish, as HAProxy's `timeout client` bounds it.

import type { Server as TlsServer, TLSSocket, TlsOptions } from 'node:tls';
import type { ListenerContext } from '../listener-runtime.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { useTicketKeysOnServer } from './session-tickets.js';
import { applyListenerTls, compileListenerTls, refusesPresentedCertificate, tlsServerOptions, type CompiledListenerTls } from './listener-tls.js';

export class TlsServerBinding {
  private compiled: CompiledListenerTls;

  /** A handshake not done within timeout_client_data is dropped (Node's default is 120 s). */
  private handshakeTimeoutMs: number;

  constructor(config: SnapshotListener) {
    this.compiled = compileListenerTls(requireTls(config));
    this.handshakeTimeoutMs = config.timeouts.clientData;
  }

  /** Options to create the server with. */
  serverOptions(): TlsOptions & { handshakeTimeout: number } {
    return { ...tlsServerOptions(() => this.compiled), handshakeTimeout: this.handshakeTimeoutMs };
  }

  /** Call once the server exists: enforces OPTIONAL client authentication, sets the ALPN list. */
  attach(server: TlsServer, config: SnapshotListener): void {
    useTicketKeysOnServer(server);
    applyAlpn(server, config);
    server.on('secureConnection', (socket: TLSSocket) => {
      if (refusesPresentedCertificate(this.compiled, socket)) socket.destroy();
    });
    // A failed handshake is the client's problem; the server keeps serving.
    server.on('tlsClientError', (_error: Error, socket: TLSSocket) => socket.destroy());
  }

  /**
   * Swaps in the new configuration's certificates. When they do not load (a bad PEM slipped
   * through), the running ones stay and the error is logged: an update cannot fail half-way.
   */
  update(server: TlsServer, config: SnapshotListener, context: ListenerContext): void {
    this.handshakeTimeoutMs = config.timeouts.clientData;
    setHandshakeTimeout(server, this.handshakeTimeoutMs);
    try {
      const compiled = compileListenerTls(requireTls(config));
      applyListenerTls(server, compiled);
      applyAlpn(server, config);
      this.compiled = compiled;
    } catch (error) {
      context.log('error', 'TLS configuration not applied; the previous certificates stay in use', { listener: config.id, error: (error as Error).message });
    }
  }
}

function requireTls(config: SnapshotListener): NonNullable<SnapshotListener['tls']> {
  if (config.tls === null) throw new Error(`listener ${config.id} (${config.protocol}) has no TLS configuration`);
  return config.tls;
}

/** ALPN names HTTP listeners can serve on their HTTP/2-capable server (others fall back to HTTP/1). */
const HTTP_ALPN = new Set(['h2', 'http/1.1']);

/**
 * The protocols a listener offers by ALPN, in its order of preference. HTTP listeners leave out
 * http/1.0: a client that offers only that negotiates nothing and is served HTTP/1 all the same.
 */
export function offeredAlpn(config: SnapshotListener): string[] {
  const configured = config.tls?.alpnProtocols ?? [];
  return config.protocol === 'SSL' ? [...configured] : configured.filter((name) => HTTP_ALPN.has(name));
}

/** ALPN's wire format: each name prefixed with its length. */
function alpnWire(names: readonly string[]): Buffer {
  return Buffer.concat(names.map((name) => Buffer.concat([Buffer.from([name.length]), Buffer.from(name, 'latin1')])));
}

/**
 * tls.Server hands its ALPNProtocols (wire format) to each connection it accepts, so replacing
 * them changes what the next handshake offers: HTTP/2 turns on or off on a running listener.
 */
function applyAlpn(server: TlsServer, config: SnapshotListener): void {
  const offered = offeredAlpn(config);
  (server as unknown as { ALPNProtocols: Buffer | undefined }).ALPNProtocols = offered.length === 0 ? undefined : alpnWire(offered);
}

/**
 * Node reads a tls.Server's handshake timeout per connection from a private field set at creation
 * (lib/_tls_wrap.js `kHandshakeTimeout`), with no setter: found by its symbol's description.
 * Without it (another Node), new connections keep the timeout the server was created with.
 */
function setHandshakeTimeout(server: TlsServer, ms: number): void {
  const key = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === 'handshake-timeout');
  if (key !== undefined) (server as unknown as Record<symbol, number>)[key] = ms;
}
