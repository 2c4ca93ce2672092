// What every TCP-based listener shares: binding a net.Server (a bind error rejects start() and
// leaves nothing open), counting and tracking open connections, and closing with a drain bound
// (stop accepting at once, let open connections finish, destroy what is left when time is up).

import type { Server, Socket } from 'node:net';

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
