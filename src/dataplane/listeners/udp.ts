// UDP listener. Datagrams from one client address and port form a flow bound to one member, with
// its own connected upstream socket, so the member's replies come back on that socket and go to
// that client. A flow ends when idle for timeout_client_data (the listener's client inactivity
// timeout, 50 s by default, and 50 s when it is 0 — LVS keeps UDP entries for minutes, 50 s frees
// sockets sooner), when
// its member reports an ICMP error (only that flow ends), or when its member is no longer
// available (the next datagram picks another). With no member available datagrams are dropped.

import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ListenerContext, ListenerRuntime, MemberRuntime } from '../listener-runtime.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { createAccessFilter } from '../access-control.js';
import type { AccessFilter } from '../access-control.js';

/** Idle time of a flow when timeout_client_data is 0 (UDP has no end of flow to wait for). */
const DEFAULT_FLOW_IDLE_MS = 50_000;

/** Kernel buffers for the listening socket: room for bursts of 64 KiB datagrams. */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

interface Handler {
  readonly config: SnapshotListener;
  readonly context: ListenerContext;
  readonly allowed: AccessFilter | null;
}

interface Flow {
  readonly member: MemberRuntime;
  readonly upstream: Socket;
  readonly idleMs: number;
  readonly context: ListenerContext;
  lastActive: number;
  /** Datagrams that arrived before the upstream socket was connected. */
  pending: Buffer[] | null;
  unretire: (() => void) | undefined;
}

function socketType(address: string): 'udp4' | 'udp6' {
  return isIPv6(address) ? 'udp6' : 'udp4';
}

/** How often idle flows are looked for: often enough to honour short timeouts, at most once a second. */
function flowIdleMs(config: SnapshotListener): number {
  return config.timeouts.clientData > 0 ? config.timeouts.clientData : DEFAULT_FLOW_IDLE_MS;
}

function sweepInterval(idleMs: number): number {
  return Math.min(1000, Math.max(25, Math.floor(idleMs / 4)));
}

export function createUdpListener(initial: SnapshotListener, initialContext: ListenerContext): ListenerRuntime {
  const handlerFor = (config: SnapshotListener, context: ListenerContext): Handler => ({ config, context, allowed: createAccessFilter(config.accessControl) });
  let handler = handlerFor(initial, initialContext);
  const flows = new Map<string, Flow>();
  const socket = createSocket({ type: socketType(initial.address) });
  let sweeper: NodeJS.Timeout | undefined;

  socket.on('message', (message, client) => {
    const key = `${client.address}|${client.port}`;
    let flow = flows.get(key);
    if (flow && !flow.member.available) {
      endFlow(key, flow);
      flow = undefined;
    }
    flow ??= openFlow(key, client);
    if (!flow) return;
    flow.lastActive = Date.now();
    flow.context.stats.bytesIn(message.length);
    if (flow.pending) flow.pending.push(message);
    else flow.upstream.send(message);
  });
  socket.on('error', (error) => handler.context.log('error', 'UDP listener error', { listener: initial.id, error: error.message }));

  function openFlow(key: string, client: RemoteInfo): Flow | undefined {
    const { config, context, allowed } = handler;
    const refuse = () => {
      context.stats.requestError();
      return undefined;
    };
    if (allowed && !allowed(client.address)) return refuse();
    if (config.connectionLimit >= 0 && flows.size >= config.connectionLimit) return refuse();
    const pool = config.defaultPoolId === null ? undefined : context.pool(config.defaultPoolId);
    const member = pool?.pick({ address: client.address, port: client.port });
    if (!member) return refuse();
    const upstream = createSocket({ type: socketType(member.config.address) });
    const flow: Flow = { member, upstream, idleMs: flowIdleMs(config), context, lastActive: Date.now(), pending: [], unretire: undefined };
    flows.set(key, flow);
    member.acquire();
    context.stats.connectionOpened();
    flow.unretire = member.onRetired?.(() => endFlow(key, flow));
    upstream.on('message', (reply) => {
      flow.lastActive = Date.now();
      context.stats.bytesOut(reply.length);
      socket.send(reply, client.port, client.address);
    });
    upstream.on('error', (error) => {
      // ICMP port unreachable on the connected socket (ECONNREFUSED): this flow's member is not
      // listening. Only this flow ends.
      member.reportConnectFailure(error);
      context.stats.requestError();
      endFlow(key, flow);
    });
    upstream.connect(member.config.port, member.config.address, () => {
      const queued = flow.pending ?? [];
      flow.pending = null;
      for (const message of queued) upstream.send(message);
    });
    return flow;
  }

  function endFlow(key: string, flow: Flow): void {
    if (flows.get(key) !== flow) return;
    flows.delete(key);
    flow.unretire?.();
    flow.upstream.close();
    flow.member.release();
    flow.context.stats.connectionClosed();
  }

  function sweep(): void {
    const now = Date.now();
    for (const [key, flow] of flows) if (now - flow.lastActive >= flow.idleMs) endFlow(key, flow);
  }

  function restartSweeper(): void {
    if (sweeper) clearInterval(sweeper);
    sweeper = setInterval(sweep, sweepInterval(flowIdleMs(handler.config)));
    sweeper.unref();
  }

  return {
    id: initial.id,
    start: () =>
      new Promise<void>((resolve, reject) => {
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
          restartSweeper();
          resolve();
        });
      }),
    update(config, context) {
      handler = handlerFor(config, context);
      if (sweeper) restartSweeper();
    },
    close: () => {
      // Replies leave through the listening socket, so flows cannot outlive it: no drain.
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      for (const [key, flow] of flows) endFlow(key, flow);
      return new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve();
        }
      });
    },
    get openConnections() {
      return flows.size;
    },
  };
}
