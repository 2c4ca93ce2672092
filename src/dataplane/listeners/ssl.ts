// SSL listener (classic load balancers): TLS terminated with the listener's certificates, then the
// decrypted byte stream goes to a TCP / PROXY / PROXYV2 member as the TCP listener sends it —
// the same connect-and-retry (proxy/connect-member), PROXY header (proxy/proxy-protocol) and
// full-duplex splice (proxy/splice).

import type { Socket } from 'node:net';
import { createServer, type TLSSocket } from 'node:tls';
import { createAccessFilter, type AccessFilter } from '../access-control.js';
import type { ListenerContext, ListenerRuntime } from '../listener-runtime.js';
import { connectMember } from '../proxy/connect-member.js';
import { proxyHeaderV1, proxyHeaderV2 } from '../proxy/proxy-protocol.js';
import { abort, splice } from '../proxy/splice.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { TlsServerBinding } from '../tls/tls-server-binding.js';
import { TrackedServer } from './tcp-server.js';

interface Generation {
  readonly config: SnapshotListener;
  readonly context: ListenerContext;
  readonly admit: AccessFilter | null;
}

export function createSslListener(initial: SnapshotListener, initialContext: ListenerContext): ListenerRuntime {
  let generation: Generation = { config: initial, context: initialContext, admit: createAccessFilter(initial.accessControl) };
  const binding = new TlsServerBinding(initial);
  const server = createServer({ ...binding.serverOptions(), allowHalfOpen: true }, (client) => forward(client));
  binding.attach(server);
  const tracked = new TrackedServer(server, initial.address, initial.port);

  // Admission on the raw TCP connection, before the handshake: nothing is read from a refused client.
  server.on('connection', (socket: Socket) => {
    const { config, context, admit } = generation;
    socket.on('error', () => undefined);
    const address = socket.remoteAddress;
    const overLimit = config.connectionLimit >= 0 && tracked.connections.size >= config.connectionLimit;
    if (address === undefined || overLimit || (admit !== null && !admit(address))) {
      context.stats.requestError();
      socket.destroy();
      return;
    }
    context.stats.connectionOpened();
    tracked.track(socket);
    socket.once('close', () => context.stats.connectionClosed());
    // A client that never completes the handshake is dropped after timeout_client_data.
    socket.setTimeout(config.timeouts.clientData, () => socket.destroy());
  });
  server.on('error', (error) => generation.context.log('error', 'SSL listener error', { listener: initial.id, error: error.message }));

  function forward(client: TLSSocket): void {
    const { config, context } = generation;
    client.on('error', () => undefined);
    const address = client.remoteAddress ?? '';
    const port = client.remotePort ?? 0;
    const pool = config.defaultPoolId === null ? undefined : context.pool(config.defaultPoolId);
    if (!pool || !pool.config.enabled) {
      context.stats.requestError();
      abort(client, true);
      return;
    }
    client.pause();
    client.setTimeout(config.timeouts.clientData, () => client.destroy());
    void connectMember(pool, { address, port }, config.timeouts.memberConnect, () => client.destroyed).then((connection) => {
      if (!connection) {
        if (!client.destroyed) {
          context.stats.requestError();
          abort(client, true);
        }
        return;
      }
      const { socket: member, member: runtime } = connection;
      member.setTimeout(config.timeouts.memberData, () => member.destroy());
      const source = { address, port };
      const destination = { address: client.localAddress ?? '', port: client.localPort ?? 0 };
      if (pool.config.protocol === 'PROXY') member.write(proxyHeaderV1(source, destination));
      if (pool.config.protocol === 'PROXYV2') member.write(proxyHeaderV2(source, destination));
      const unretire = runtime.onRetired?.(() => {
        abort(client, true);
        abort(member, true);
      });
      splice(client, member, {
        bytesIn: (count) => context.stats.bytesIn(count),
        bytesOut: (count) => context.stats.bytesOut(count),
        done: (failed) => {
          unretire?.();
          runtime.release();
          if (failed) context.stats.requestError();
        },
      });
    });
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
