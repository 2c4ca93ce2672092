// Before a listener is handed to HAProxy, Node binds its address once (exclusively) and lets it
// go: an address another program holds, or one this host does not have, is found here with the
// Node engine's own error text, and the listener is left out of the configuration (research §5).
// HAProxy would otherwise fail the whole reload, and pause every listener while it retries.

import { createServer } from 'node:net';

/** null when the address could be bound; else the error, as the Node engine reports it. */
export function checkBind(address: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: Error) => resolve(error.message));
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}
