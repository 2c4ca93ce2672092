// TCP listener: accepts, checks connection_limit and access control, then hands the connection to
// forwardToDefaultPool (connect with retries, PROXY header, splice). A configuration update swaps the handler: new connections use the
// new configuration; open ones keep what they started with.

import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { ListenerContext, ListenerRuntime } from '../listener-runtime.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { createAccessFilter } from '../access-control.js';
import type { AccessFilter } from '../access-control.js';
import { forwardToDefaultPool } from '../proxy/forward-to-pool.js';
import { abort } from '../proxy/splice.js';
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
    forwardToDefaultPool(client, config, context);
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
