// UDP listener: one listening socket, admission of new clients, and their flows (udp-flows.ts:
// one connected upstream socket per client address and port, bound to one member). A flow ends
// when idle for timeout_client_data (the listener's client inactivity timeout, 50 s by default,
// and 50 s when it is 0 — LVS keeps UDP entries for minutes, 50 s frees sockets sooner), when its
// member reports an ICMP error (only that flow ends), or when its member is no longer available
// (the next datagram picks another). With no member available datagrams are dropped.

import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { ListenerContext, ListenerRuntime } from '../listener-runtime.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { createAccessFilter } from '../access-control.js';
import type { AccessFilter } from '../access-control.js';
import { socketType, UdpFlows, type FlowTarget } from './udp-flows.js';

/** Idle time of a flow when timeout_client_data is 0 (UDP has no end of flow to wait for). */
const DEFAULT_FLOW_IDLE_MS = 50_000;

/** Kernel buffers for the listening socket: room for bursts of 64 KiB datagrams. */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

interface Handler {
  readonly config: SnapshotListener;
  readonly context: ListenerContext;
  readonly allowed: AccessFilter | null;
}

/** How long an idle flow lives: timeout_client_data, or DEFAULT_FLOW_IDLE_MS when that is 0. */
function flowIdleMs(config: SnapshotListener): number {
  return config.timeouts.clientData > 0 ? config.timeouts.clientData : DEFAULT_FLOW_IDLE_MS;
}

/** How often idle flows are looked for: often enough to honour short timeouts, at most once a second. */
function sweepInterval(idleMs: number): number {
  return Math.min(1000, Math.max(25, Math.floor(idleMs / 4)));
}

/** The listening socket and its admission (access control, connection_limit, a member); the flows do the rest. */
class UdpListener implements ListenerRuntime {
  readonly id: string;
  private handler: Handler;
  private readonly socket: Socket;
  private readonly flows: UdpFlows;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly initial: SnapshotListener, context: ListenerContext) {
    this.id = initial.id;
    this.handler = handlerFor(initial, context);
    this.socket = createSocket({ type: socketType(initial.address) });
    this.flows = new UdpFlows((reply, client) => this.socket.send(reply, client.port, client.address));
    this.socket.on('message', (message, client) => this.flows.forward(message, client, () => this.admit(client)));
    this.socket.on('error', (error) => this.handler.context.log('error', 'UDP listener error', { listener: initial.id, error: error.message }));
  }

  start(): Promise<void> {
    const { socket, initial } = this;
    return new Promise<void>((resolve, reject) => {
      const failed = (error: Error) => {
        socket.close();
        reject(error);
      };
      socket.once('error', failed);
      socket.bind({ address: initial.address, port: initial.port }, () => {
        socket.removeListener('error', failed);
        try {
          socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
          socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
        } catch {
          // The kernel caps buffer sizes (net.core.rmem_max); its default still works.
        }
        this.restartSweeper();
        resolve();
      });
    });
  }

  update(config: SnapshotListener, context: ListenerContext): void {
    this.handler = handlerFor(config, context);
    if (this.sweeper) this.restartSweeper();
  }

  close(): Promise<void> {
    // Replies leave through the listening socket, so flows cannot outlive it: no drain.
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.flows.endAll();
    return new Promise<void>((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }

  get openConnections(): number {
    return this.flows.size;
  }

  /** A new client's flow: refused (counted as an error) by access control, connection_limit, or no member. */
  private admit(client: RemoteInfo): FlowTarget | undefined {
    const { config, context, allowed } = this.handler;
    const refuse = () => {
      context.stats.requestError();
      return undefined;
    };
    if (allowed && !allowed(client.address)) return refuse();
    if (config.connectionLimit >= 0 && this.flows.size >= config.connectionLimit) return refuse();
    const pool = config.defaultPoolId === null ? undefined : context.pool(config.defaultPoolId);
    const member = pool?.pick({ address: client.address, port: client.port });
    if (!member) return refuse();
    return { member, idleMs: flowIdleMs(config), context };
  }

  private restartSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = setInterval(() => this.flows.sweep(), sweepInterval(flowIdleMs(this.handler.config)));
    this.sweeper.unref();
  }
}

function handlerFor(config: SnapshotListener, context: ListenerContext): Handler {
  return { config, context, allowed: createAccessFilter(config.accessControl) };
}

export function createUdpListener(initial: SnapshotListener, context: ListenerContext): ListenerRuntime {
  return new UdpListener(initial, context);
}
