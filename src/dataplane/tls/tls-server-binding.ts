// Binds a TLS-terminating server (node:tls, node:https or node:http2) to a listener's compiled TLS:
// the server is created with options that read the current compilation at each handshake, and an
// update swaps it (new certificates serve the next connection, no rebinding). OPTIONAL client
// authentication refuses a presented certificate that did not verify.

import type { Server as TlsServer, TLSSocket, TlsOptions } from 'node:tls';
import type { ListenerContext } from '../listener-runtime.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { useTicketKeysOnServer } from './session-tickets.js';
import { applyListenerTls, compileListenerTls, refusesPresentedCertificate, tlsServerOptions, type CompiledListenerTls } from './listener-tls.js';

export class TlsServerBinding {
  private compiled: CompiledListenerTls;

  constructor(config: SnapshotListener) {
    this.compiled = compileListenerTls(requireTls(config));
  }

  /** Options to create the server with. */
  serverOptions(): TlsOptions {
    return tlsServerOptions(() => this.compiled);
  }

  /** Call once the server exists: enforces OPTIONAL client authentication. */
  attach(server: TlsServer): void {
    useTicketKeysOnServer(server);
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
    try {
      const compiled = compileListenerTls(requireTls(config));
      applyListenerTls(server, compiled);
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

/** HTTP/2 is offered unless the listener's alpn_protocols leave it out. */
export function offersHttp2(config: SnapshotListener): boolean {
  const alpn = config.tls?.alpnProtocols ?? [];
  return alpn.length === 0 || alpn.includes('h2');
}
