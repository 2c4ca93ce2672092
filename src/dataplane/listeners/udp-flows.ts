// The flows of a UDP listener: datagrams from one client address and port form a flow bound to
// one member, with its own connected upstream socket, so the member's replies come back on that
// socket and go to that client. A flow ends when idle for its idle time, when its member reports
// an ICMP error (only that flow ends), when its member is removed and drained, or when its member
// is no longer available (the next datagram picks another).

import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ListenerContext, MemberRuntime } from '../listener-runtime.js';

export function socketType(address: string): 'udp4' | 'udp6' {
  return isIPv6(address) ? 'udp6' : 'udp4';
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

/** Where a new flow goes: its member, its idle time, the context it counts in. */
export interface FlowTarget {
  readonly member: MemberRuntime;
  readonly idleMs: number;
  readonly context: ListenerContext;
}

export class UdpFlows {
  private readonly flows = new Map<string, Flow>();

  /** `reply` sends a member's datagram back to the client through the listening socket. */
  constructor(private readonly reply: (message: Buffer, client: RemoteInfo) => void) {}

  get size(): number {
    return this.flows.size;
  }

  /**
   * Forwards a client's datagram on its flow. A flow whose member is no longer available ends
   * first; `target` is asked for a new flow's member and returns undefined to drop the datagram.
   */
  forward(message: Buffer, client: RemoteInfo, target: () => FlowTarget | undefined): void {
    const key = `${client.address}|${client.port}`;
    let flow = this.flows.get(key);
    if (flow && !flow.member.available) {
      this.end(key, flow);
      flow = undefined;
    }
    if (!flow) {
      const chosen = target();
      if (!chosen) return;
      flow = this.open(key, client, chosen);
    }
    flow.lastActive = Date.now();
    flow.context.stats.bytesIn(message.length);
    if (flow.pending) flow.pending.push(message);
    else flow.upstream.send(message);
  }

  /** Ends the flows idle for their idle time. */
  sweep(now = Date.now()): void {
    for (const [key, flow] of this.flows) if (now - flow.lastActive >= flow.idleMs) this.end(key, flow);
  }

  endAll(): void {
    for (const [key, flow] of this.flows) this.end(key, flow);
  }

  private open(key: string, client: RemoteInfo, { member, idleMs, context }: FlowTarget): Flow {
    const upstream = createSocket({ type: socketType(member.config.address) });
    const flow: Flow = { member, upstream, idleMs, context, lastActive: Date.now(), pending: [], unretire: undefined };
    this.flows.set(key, flow);
    member.acquire();
    context.stats.connectionOpened();
    flow.unretire = member.onRetired?.(() => this.end(key, flow));
    upstream.on('message', (reply) => {
      flow.lastActive = Date.now();
      context.stats.bytesOut(reply.length);
      this.reply(reply, client);
    });
    upstream.on('error', (error) => {
      // ICMP port unreachable on the connected socket (ECONNREFUSED): this flow's member is not
      // listening. Only this flow ends.
      member.reportConnectFailure(error);
      context.stats.requestError();
      this.end(key, flow);
    });
    upstream.connect(member.config.port, member.config.address, () => {
      const queued = flow.pending ?? [];
      flow.pending = null;
      for (const queuedMessage of queued) upstream.send(queuedMessage);
    });
    return flow;
  }

  private end(key: string, flow: Flow): void {
    if (this.flows.get(key) !== flow) return;
    this.flows.delete(key);
    flow.unretire?.();
    flow.upstream.close();
    flow.member.release();
    flow.context.stats.connectionClosed();
  }
}
