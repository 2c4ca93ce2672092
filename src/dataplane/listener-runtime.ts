// The seams inside the data plane: a running listener (one per protocol implementation, created by
// a factory in a registry keyed by protocol), the live pools it forwards to, and the stats it records.
// Configuration (Snapshot*) and live state (connection counts, health) are different types: a
// MemberRuntime is keyed by member id and survives re-applies; its `config` is replaced.

import type { ListenerProtocol } from '../model/types.js';
import type { SnapshotListener, SnapshotMember, SnapshotPool } from '../snapshot/snapshot.js';
import type { AccessLogEntry } from '../logging/access-log.js';

export type { AccessLogEntry };

export interface ClientAddress {
  readonly address: string;
  readonly port: number;
}

/** Live state of one member, shared by every listener and pool generation that uses it. */
export interface MemberRuntime {
  readonly id: string;
  /** The member's current configuration (replaced on re-apply). */
  readonly config: SnapshotMember;
  /** Healthy (or unmonitored), enabled and weight > 0: may take new connections. */
  readonly available: boolean;
  /** Connections (or UDP flows, or HTTP requests in flight) currently using this member. */
  readonly activeConnections: number;
  /** Call when a connection to this member starts; call release() exactly once when it ends. */
  acquire(): void;
  release(): void;
  /** Passive health signal from traffic: a connect to the member failed. */
  reportConnectFailure(error: Error): void;
  /**
   * Registers a connection to destroy when the member is removed from the configuration and the
   * drain bound expires; returns the function that unregisters it (call it when the connection ends).
   */
  onRetired?(destroy: () => void): () => void;
}

/** Live view of one pool in the current generation. */
export interface PoolRuntime {
  readonly config: SnapshotPool;
  /**
   * Picks a member for a new connection by the pool's algorithm and session persistence
   * (SOURCE_IP persistence is applied here). Members in `exclude` are skipped (retry on
   * another member). undefined: no member is available.
   */
  pick(client: ClientAddress, exclude?: ReadonlySet<string>): MemberRuntime | undefined;
  /** The member with this id when it is available (cookie persistence); else undefined. */
  availableMember(memberId: string): MemberRuntime | undefined;
}

/** What a listener records; the data plane turns it into stats and Prometheus series. */
export interface ListenerStatsRecorder {
  connectionOpened(): void;
  connectionClosed(): void;
  bytesIn(count: number): void;
  bytesOut(count: number): void;
  /** A request or connection that failed through elbow's or the member's fault, or was refused. */
  requestError(): void;
  /** L7 listeners: one finished HTTP response. */
  httpResponse(statusCode: number, durationMs: number): void;
}


export interface ListenerContext {
  /** Pools of the generation this context belongs to. */
  pool(poolId: string): PoolRuntime | undefined;
  readonly stats: ListenerStatsRecorder;
  accessLog(entry: AccessLogEntry): void;
  /** Structured log for the data plane (level, message, fields). */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
}

/** One running listener. */
export interface ListenerRuntime {
  readonly id: string;
  /** Binds the socket. Rejects with the bind error (e.g. EADDRINUSE), leaving nothing open. */
  start(): Promise<void>;
  /**
   * Takes a new configuration for the same protocol, address and port without rebinding.
   * New connections use it; open connections may keep the one they started with.
   */
  update(config: SnapshotListener, context: ListenerContext): void;
  /** Stops accepting at once; open connections may finish within drainMs, then are destroyed. */
  close(drainMs: number): Promise<void>;
  /** Connections currently open. */
  readonly openConnections: number;
}

export type ListenerFactory = (config: SnapshotListener, context: ListenerContext) => ListenerRuntime;

/** One factory per listener protocol: listeners/registry.ts `satisfies ListenerRegistry`. */
export type ListenerRegistry = Record<ListenerProtocol, ListenerFactory>;
