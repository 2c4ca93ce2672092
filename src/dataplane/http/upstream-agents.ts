// Keep-alive connection pools to members, one agent per member address (and per plain/TLS), so
// requests reuse member connections instead of paying a connect each time.
//
// Upstream client choice, measured 2026-11-29 on the 2-CPU build machine (shared, load average
// ~15, so noisy): wrk -t1 -c50 -d5s, three alternating rounds, through a minimal Node proxy to
// one local Node backend answering 2 bytes. node:http Agent (keepAlive, lifo): 1647, 2427, 633
// req/s; undici Pool (64 connections): 585, 813, 1409 req/s; this listener (Agent): 533, 2059,
// 1775 req/s. Neither client was consistently faster, so the proxy uses node:http: it streams a
// client request into a ClientRequest with backpressure via pipe(), and relays 100-continue
// ('continue') in the same API the server side uses.

import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { SnapshotMember } from '../../snapshot/snapshot.js';

/** Idle member connections kept per member. */
const MAX_FREE_SOCKETS = 64;

export class UpstreamAgents {
  private readonly agents = new Map<string, HttpAgent>();

  agentFor(member: SnapshotMember, tls: boolean): HttpAgent {
    const key = agentKey(member, tls);
    let agent = this.agents.get(key);
    if (!agent) {
      // noDelay, as on the client side: Nagle could hold a request body's write behind the header
      // write until the member's delayed ACK.
      const options = { keepAlive: true, noDelay: true, maxFreeSockets: MAX_FREE_SOCKETS, scheduling: 'lifo' as const };
      agent = tls ? new HttpsAgent(options) : new HttpAgent(options);
      this.agents.set(key, agent);
    }
    return agent;
  }

  /**
   * Forgets the agents of members no longer configured: their idle connections close now, their
   * in-flight requests finish (the agent is only dropped from the table).
   */
  retain(members: Iterable<SnapshotMember>): void {
    const wanted = new Set<string>();
    for (const member of members) wanted.add(agentKey(member, false)).add(agentKey(member, true));
    for (const [key, agent] of this.agents) {
      if (wanted.has(key)) continue;
      this.agents.delete(key);
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
    }
  }

  /** Closes every member connection (the listener is closing). */
  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

function agentKey(member: SnapshotMember, tls: boolean): string {
  return `${tls ? 'https' : 'http'}|${member.address}|${member.port}`;
}
