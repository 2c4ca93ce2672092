// TCP listener: admits a connection (connection_limit, access control), then hands it to
// forwardToDefaultPool (connect with retries, PROXY header, splice). A configuration update swaps
// the handler: new connections use the new configuration; open ones keep what they started with.

import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import type { ListenerContext, ListenerRuntime } from '../listener-runtime.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { createAccessFilter } from '../access-control.js';
import type { AccessFilter } from '../access-control.js';
import { forwardToDefaultPool } from '../proxy/forward-to-pool.js';
import { TrackedServer } from '../tracked-server.js';

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

  function accept(client: Socket): void {
    const { config, context, allowed } = handler;
    if (tracked.admit(client, config, context, allowed)) forwardToDefaultPool(client, config, context);
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
