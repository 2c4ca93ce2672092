// TCP listener: accepts, checks connection_limit and access control, connects to a member of the
// default pool (with retries on connect failure), writes a PROXY header for PROXY/PROXYV2 pools,
// then splices the two sockets. A configuration update swaps the handler: new connections use the
// new configuration; open ones keep what they started with.

import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { ListenerContext, ListenerRuntime, MemberRuntime } from '../listener-runtime.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { createAccessFilter } from '../access-control.js';
import type { AccessFilter } from '../access-control.js';
import { connectMember } from '../proxy/connect-member.js';
import { proxyHeaderV1, proxyHeaderV2 } from '../proxy/proxy-protocol.js';
import { abort, splice } from '../proxy/splice.js';
import { TrackedServer } from './tcp-server.js';

interface Handler {
  readonly config: SnapshotListener;
  readonly context: ListenerContext;
  readonly allowed: AccessFilter | null;
}

function handlerFor(config: SnapshotListener, context: ListenerContext): Handler {
  return { config, context, allowed: createAccessFilter(config.accessControl) };
}

export function createTcpListener(initial: SnapshotListener, initialContext: ListenerContext): ListenerRuntime {
  let handler = handlerFor(initial, initialContext);
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => accept(client));
  const tracked = new TrackedServer(server, initial.address, initial.port);
  server.on('error', (error) => handler.context.log('error', 'TCP listener error', { listener: initial.id, error: error.message }));

  function refuse(client: Socket, h: Handler, reset: boolean): void {
    h.context.stats.requestError();
    abort(client, reset);
  }

  function accept(client: Socket): void {
    const h = handler;
    const { config, context } = h;
    const stats = context.stats;
    stats.connectionOpened();
    tracked.track(client);
    client.once('close', () => stats.connectionClosed());
    client.on('error', () => undefined);
    // Over the limit: closed at once rather than queued.
    if (config.connectionLimit >= 0 && tracked.connections.size > config.connectionLimit) return refuse(client, h, false);
    const address = client.remoteAddress;
    const port = client.remotePort;
    if (address === undefined || port === undefined) return refuse(client, h, false);
    if (h.allowed && !h.allowed(address)) return refuse(client, h, true);
    const pool = config.defaultPoolId === null ? undefined : context.pool(config.defaultPoolId);
    if (!pool) return refuse(client, h, true);
    client.setTimeout(config.timeouts.clientData, () => client.destroy());
    void connectMember(pool, { address, port }, config.timeouts.memberConnect, () => client.destroyed).then((connection) => {
      // No member can take it: refuse at once (RST) rather than leave the client hanging.
      if (!connection) return client.destroyed ? undefined : refuse(client, h, true);
      const { socket: member, member: runtime } = connection;
      member.setTimeout(config.timeouts.memberData, () => member.destroy());
      const header = proxyHeader(pool.config.protocol, address, port, client);
      if (header) member.write(header);
      forward(client, member, runtime, h);
    });
  }

  function forward(client: Socket, member: Socket, runtime: MemberRuntime, h: Handler): void {
    const stats = h.context.stats;
    const unretire = runtime.onRetired?.(() => {
      abort(client, true);
      abort(member, true);
    });
    splice(client, member, {
      bytesIn: (count) => stats.bytesIn(count),
      bytesOut: (count) => stats.bytesOut(count),
      done: (failed) => {
        unretire?.();
        runtime.release();
        if (failed) stats.requestError();
      },
    });
  }

  return {
    id: initial.id,
    start: () => tracked.start(),
    update(config, context) {
      handler = handlerFor(config, context);
    },
    close: (drainMs) => tracked.close(drainMs),
    get openConnections() {
      return tracked.connections.size;
    },
  };
}

function proxyHeader(protocol: string, address: string, port: number, client: Socket): Buffer | null {
  if (protocol !== 'PROXY' && protocol !== 'PROXYV2') return null;
  const source = { address, port };
  const destination = { address: client.localAddress ?? '', port: client.localPort ?? 0 };
  return protocol === 'PROXY' ? proxyHeaderV1(source, destination) : proxyHeaderV2(source, destination);
}
