// The one thing the data plane receives: an immutable, versioned, self-consistent view of the
// whole configuration, already resolved (references replaced by what they point to, defaults
// applied, disabled things marked) so that the data plane never looks anything up elsewhere.
// Built by build-snapshot.ts from the store; checked by check-snapshot.ts.

import type {
  ClientAuthentication,
  FixedResponseConfig,
  HealthMonitorType,
  L7Action,
  L7CompareType,
  L7RuleType,
  LbAlgorithm,
  ListenerProtocol,
  PoolProtocol,
  SessionPersistenceType,
  Transport,
} from '../model/types.js';

export interface Snapshot {
  /** The store revision this snapshot was built from; the data plane applies revisions in order. */
  readonly revision: number;
  readonly listeners: readonly SnapshotListener[];
  /** Every pool a listener or policy references, by id. */
  readonly pools: Readonly<Record<string, SnapshotPool>>;
}

export interface SnapshotTlsCertificate {
  readonly id: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** DNS names (CN and SANs, possibly `*.example.com`) this certificate answers for via SNI. */
  readonly names: readonly string[];
}

export interface SnapshotListenerTls {
  readonly defaultCertificate: SnapshotTlsCertificate;
  readonly sniCertificates: readonly SnapshotTlsCertificate[];
  /** PEM CA bundle clients are verified against; null when client auth is NONE. */
  readonly clientCaPem: string | null;
  readonly clientAuthentication: ClientAuthentication;
  /** e.g. ['TLSv1.2', 'TLSv1.3']; null = elbow's default (TLSv1.2+). */
  readonly versions: readonly string[] | null;
  /** OpenSSL cipher string; null = Node's default. */
  readonly ciphers: string | null;
  /** e.g. ['h2', 'http/1.1']. */
  readonly alpnProtocols: readonly string[];
}

export interface SnapshotAccessControl {
  /** Allowed client CIDRs; empty = everyone (before the ip group is considered). */
  readonly allowedCidrs: readonly string[];
  /** An ip group: white = only these, black = all but these. */
  readonly ipGroup: { readonly type: 'white' | 'black'; readonly cidrs: readonly string[] } | null;
}

export interface SnapshotListener {
  readonly id: string;
  readonly loadBalancerId: string;
  readonly name: string;
  readonly protocol: ListenerProtocol;
  readonly transport: Transport;
  /** The load balancer's VIP. */
  readonly address: string;
  readonly port: number;
  /** False when the listener or its load balancer is admin down: the socket stays closed. */
  readonly enabled: boolean;
  /** -1 = unlimited. */
  readonly connectionLimit: number;
  /** Milliseconds. */
  readonly timeouts: {
    readonly clientData: number;
    readonly memberConnect: number;
    readonly memberData: number;
    readonly tcpInspect: number;
  };
  readonly insertHeaders: Readonly<Record<string, string>>;
  readonly accessControl: SnapshotAccessControl;
  readonly defaultPoolId: string | null;
  /** For HTTPS/TERMINATED_HTTPS and SSL listeners. */
  readonly tls: SnapshotListenerTls | null;
  /** Enabled policies only, in position order. */
  readonly policies: readonly SnapshotPolicy[];
  readonly accessLog: boolean;
  /** For REDIRECT_TO_LISTENER: listener id → (protocol, port) are resolved into policies already. */
}

export interface SnapshotPolicy {
  readonly id: string;
  readonly position: number;
  readonly action: L7Action;
  /** Enabled rules only; a policy matches when every rule matches (AND). */
  readonly rules: readonly SnapshotRule[];
  readonly redirectPoolId: string | null;
  readonly redirectUrl: string | null;
  readonly redirectPrefix: string | null;
  readonly redirectHttpCode: number | null;
  /** REDIRECT_TO_LISTENER, resolved: the target's scheme and port. */
  readonly redirectListener: { readonly protocol: ListenerProtocol; readonly port: number } | null;
  readonly fixedResponse: FixedResponseConfig | null;
}

export interface SnapshotRule {
  readonly id: string;
  readonly type: L7RuleType;
  readonly compareType: L7CompareType;
  readonly key: string | null;
  readonly value: string;
  readonly invert: boolean;
}

export interface SnapshotHealthMonitor {
  readonly id: string;
  readonly type: HealthMonitorType;
  /** Milliseconds between probes of one member (Octavia's `delay` is seconds; converted here). */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Consecutive successes that bring a member up. */
  readonly riseCount: number;
  /** Consecutive failures that take a member down. */
  readonly fallCount: number;
  readonly httpMethod: string;
  readonly urlPath: string;
  /** Parsed `expected_codes`: inclusive ranges. */
  readonly expectedCodes: readonly (readonly [number, number])[];
  readonly httpVersion: number;
  readonly domainName: string | null;
}

export interface SnapshotMember {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly backup: boolean;
  /** False when the member is admin down: no new connections, existing ones finish. */
  readonly enabled: boolean;
  /** Where health probes go (monitor_address/monitor_port, else address/port). */
  readonly monitorAddress: string;
  readonly monitorPort: number;
}

export interface SnapshotPool {
  readonly id: string;
  readonly name: string;
  readonly protocol: PoolProtocol;
  readonly algorithm: LbAlgorithm;
  /** False when the pool is admin down: it serves nothing (503 / refused). */
  readonly enabled: boolean;
  readonly sessionPersistence: {
    readonly type: SessionPersistenceType;
    readonly cookieName: string | null;
    /** Seconds, for SOURCE_IP. */
    readonly timeoutSeconds: number;
  } | null;
  readonly members: readonly SnapshotMember[];
  /** null: no monitor, or monitor admin down → members are NO_MONITOR and always used. */
  readonly healthMonitor: SnapshotHealthMonitor | null;
  /** HTTPS pools: re-encrypt to members. */
  readonly tls: { readonly caPem: string | null; readonly clientCertificate: SnapshotTlsCertificate | null; readonly sni: boolean } | null;
}

/** What the data plane reports after applying a snapshot. */
export interface ApplyReport {
  readonly revision: number;
  /** Listeners that could not be served, with the reason (e.g. EADDRINUSE). */
  readonly listenerErrors: Readonly<Record<string, string>>;
}

/** Live state the data plane exposes, read by the control plane for statuses and stats. */
export interface LiveStatus {
  readonly revision: number;
  /** Member id → ONLINE | ERROR | NO_MONITOR | OFFLINE | DRAINING. */
  readonly members: Readonly<Record<string, string>>;
  readonly listeners: Readonly<Record<string, ListenerStats>>;
  readonly listenerErrors: Readonly<Record<string, string>>;
}

export interface ListenerStats {
  bytes_in: number;
  bytes_out: number;
  active_connections: number;
  total_connections: number;
  request_errors: number;
}

/** The seam between control plane and data plane, implemented by the data plane and wired in main. */
export interface SnapshotApplier {
  apply(snapshot: Snapshot): Promise<ApplyReport>;
  status(): Promise<LiveStatus>;
  /** Prometheus exposition text of the data plane's metrics. */
  metrics(): Promise<string>;
}
