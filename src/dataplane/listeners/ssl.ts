// SSL listener (classic load balancers): TLS terminated with the listener's certificates, then the
// decrypted byte stream goes to a TCP / PROXY / PROXYV2 member exactly as the TCP listener sends
// it (proxy/forward-to-pool).

import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { createAccessFilter, type AccessFilter } from '../access-control.js';
import type { ListenerContext, ListenerRuntime } from '../listener-runtime.js';
import { forwardToDefaultPool } from '../proxy/forward-to-pool.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { TlsServerBinding } from '../tls/tls-server-binding.js';
import { TrackedServer } from '../tracked-server.js';

interface Generation {
  readonly config: SnapshotListener;
  readonly context: ListenerContext;
  readonly admit: AccessFilter | null;
}

export function createSslListener(initial: SnapshotListener, initialContext: ListenerContext): ListenerRuntime {
  let generation: Generation = { config: initial, context: initialContext, admit: createAccessFilter(initial.accessControl) };
  const binding = new TlsServerBinding(initial);
  const server = createServer({ ...binding.serverOptions(), allowHalfOpen: true }, (client) => forward(client));
  binding.attach(server, initial);
  const tracked = new TrackedServer(server, initial.address, initial.port);

  // Admission on the raw TCP connection, before the handshake: nothing is read from a refused client.
  server.on('connection', (socket: Socket) => {
    const { config, context, admit } = generation;
    if (!tracked.admit(socket, config, context, admit)) return;
    // A client that never completes the handshake is dropped after timeout_client_data.
    socket.setTimeout(config.timeouts.clientData, () => socket.destroy());
  });
  server.on('error', (error) => generation.context.log('error', 'SSL listener error', { listener: initial.id, error: error.message }));

  function forward(client: TLSSocket): void {
    client.on('error', () => undefined);
    forwardToDefaultPool(client, generation.config, generation.context);
  }

  return {
    id: initial.id,
    start: () => tracked.start(),
    update(config, context) {
      generation = { config, context, admit: createAccessFilter(config.accessControl) };
      binding.update(server, config, context);
    },
    close: (drainMs) => tracked.close(drainMs),
    get openConnections() {
      return tracked.connections.size;
    },
  };
}
