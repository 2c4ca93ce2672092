// What every TCP-based listener shares: binding a net.Server (a bind error rejects start() and
// leaves nothing open), admitting accepted connections (connection_limit, access control),
// counting and tracking open connections, and closing with a drain bound (stop accepting at
// once, let open connections finish, destroy what is left when time is up).

import type { Server, Socket } from 'node:net';
import type { AccessFilter } from './access-control.js';
import type { ListenerContext } from './listener-runtime.js';
import { abort } from './proxy/splice.js';
import type { SnapshotListener } from '../snapshot/snapshot.js';

export class TrackedServer {
  readonly connections = new Set<Socket>();
  private emptied: (() => void) | undefined;

  constructor(
    readonly server: Server,
    private readonly address: string,
    private readonly port: number,
  ) {}

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      this.server.once('error', failed);
      this.server.listen({ host: this.address, port: this.port }, () => {
        this.server.removeListener('error', failed);
        resolve();
      });
    });
  }

  /**
   * Admission of a raw accepted connection, before anything is read from it: over
   * connection_limit it is closed at once rather than queued; a client the access filter refuses
   * is reset. Refusals count as request errors; an admitted socket is tracked and counted.
   */
  admit(socket: Socket, config: SnapshotListener, context: ListenerContext, allowed: AccessFilter | null): boolean {
    socket.on('error', () => undefined);
    const address = socket.remoteAddress;
    const overLimit = config.connectionLimit >= 0 && this.connections.size >= config.connectionLimit;
    if (address === undefined || overLimit || (allowed !== null && !allowed(address))) {
      context.stats.requestError();
      abort(socket, !overLimit);
      return false;
    }
    context.stats.connectionOpened();
    this.track(socket);
    socket.once('close', () => context.stats.connectionClosed());
    return true;
  }

  /** Tracks a client socket until it closes. */
  track(socket: Socket): void {
    this.connections.add(socket);
    socket.once('close', () => {
      this.connections.delete(socket);
      if (this.connections.size === 0) this.emptied?.();
    });
  }

  async close(drainMs: number, destroy: (socket: Socket) => void = (s) => s.destroy()): Promise<void> {
    if (this.server.listening) this.server.close();
    if (this.connections.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const socket of this.connections) destroy(socket);
      }, drainMs);
      this.emptied = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
