// Full-duplex byte proxy between a client socket and a member socket: backpressure both ways
// (pause the reader while the other side's buffer is full), half-close propagated (a FIN from one
// side ends the other side's writing; allowHalfOpen must be on for both), an abnormal end on one
// side resets the other (RST for RST), and `done` once both sockets are closed.
// Handlers are per connection, never per chunk: chunks are forwarded as they arrive.

import type { Socket } from 'node:net';

export interface SpliceHooks {
  /** Bytes received from the client. */
  bytesIn(count: number): void;
  /** Bytes received from the member (and sent on to the client). */
  bytesOut(count: number): void;
  /** Both sockets are closed; `failed` when either side ended abnormally. */
  done(failed: boolean): void;
}

/** Closes a socket at once; with `reset`, by RST rather than FIN where the socket allows it. */
export function abort(socket: Socket, reset: boolean): void {
  if (socket.destroyed) return;
  if (reset) {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // A TLS socket's handle is not a TCP handle: resetAndDestroy throws; a plain close will do.
    }
  }
  socket.destroy();
}

function cleanlyClosed(socket: Socket): boolean {
  return socket.readableEnded && socket.writableFinished;
}

export function splice(client: Socket, member: Socket, hooks: SpliceHooks): void {
  let open = 2;
  let failed = false;
  const closed = (self: Socket, other: Socket) => () => {
    // A socket that closed without both FINs exchanged takes the other side down with it.
    if (!cleanlyClosed(self)) {
      failed = true;
      abort(other, false);
    }
    if (--open === 0) hooks.done(failed);
  };

  client.on('data', (chunk: Buffer) => {
    hooks.bytesIn(chunk.length);
    if (!member.write(chunk)) client.pause();
  });
  member.on('data', (chunk: Buffer) => {
    hooks.bytesOut(chunk.length);
    if (!client.write(chunk)) member.pause();
  });
  member.on('drain', () => client.resume());
  client.on('drain', () => member.resume());
  client.on('end', () => member.end());
  member.on('end', () => client.end());
  client.on('error', () => {
    failed = true;
    abort(member, true);
  });
  member.on('error', () => {
    failed = true;
    abort(client, true);
  });
  client.on('close', closed(client, member));
  member.on('close', closed(member, client));
  // A client that sent its FIN and nothing else while the member connect was pending has
  // already emitted 'end' (nothing was buffered to wait for): pass the FIN on now.
  if (client.readableEnded) member.end();
  // The client's bytes that arrived while the member connect was pending flow now.
  client.resume();
}
