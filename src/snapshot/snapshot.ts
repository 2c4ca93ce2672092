// The one thing the data plane receives: an immutable, versioned, self-consistent view of the
// whole configuration, already resolved (references replaced by what they point to, defaults
// applied, disabled things marked) so that the data plane never looks anything up elsewhere.
// Built by build-snapshot.ts from the store; checked by check-snapshot.ts.
//
// Besides what is declared here, each part holds the fields its resource's catalog declares as
// copied (`snapshot: 'path'` in src/model/resources/<kind>.ts), typed from their schemas: a
// listener's `name`, `protocol`, `port`, `loadBalancerId`, `connectionLimit`, `timeouts.*`
// (milliseconds), `insertHeaders` and `accessLog`; a pool's `name`, `enabled`, `protocol`,
// `algorithm`; a member's `name`, `enabled`, `address`, `port`, `weight`, `backup`; and so on.

import type { ClientAuthentication, ListenerProtocol, SessionPersistenceType, Transport } from '../model/types.js';
import type { Copied } from './copied-fields.js';

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
  /** PEM X509 CRLs (one per entry) client certificates are checked against; empty: none. */
  readonly clientCrls: readonly string[];
  readonly clientAuthentication: ClientAuthentication;
  /** e.g. ['TLSv1.2', 'TLSv1.3']; null = elbow's default (TLSv1.2+). */
  readonly versions: readonly string[] | null;
  /** OpenSSL cipher string; null = Node's default. */
  readonly ciphers: string | null;
  /** Offered by ALPN in this order, e.g. ['h2', 'http/1.1']; empty: no ALPN (SSL listeners by default). */
  readonly alpnProtocols: readonly string[];
}

export interface SnapshotAccessControl {
  /** Allowed client CIDRs; empty = everyone (before the ip group is considered). */
  readonly allowedCidrs: readonly string[];
  /** An ip group: white = only these, black = all but these. */
  readonly ipGroup: { readonly type: 'white' | 'black'; readonly cidrs: readonly string[] } | null;
}

export interface SnapshotListener extends Copied<'listener'> {
  readonly id: string;
  readonly transport: Transport;
  /** The load balancer's VIP. */
  readonly address: string;
  /**
   * The load balancer's availability zone: which nodes serve it (placement.ts filters the snapshot
   * per node before an engine sees it). Absent (snapshots built by hand) is null: every node.
   */
  readonly availabilityZone?: string | null;
  /** False when the listener or its load balancer is admin down: the socket stays closed. */
  readonly enabled: boolean;
  readonly accessControl: SnapshotAccessControl;
  readonly defaultPoolId: string | null;
  /** For HTTPS/TERMINATED_HTTPS and SSL listeners. */
  readonly tls: SnapshotListenerTls | null;
  /** Strict-Transport-Security on every answer (HTTPS/TERMINATED_HTTPS with hsts_max_age); null: none. */
  readonly hsts: { readonly maxAge: number; readonly includeSubdomains: boolean; readonly preload: boolean } | null;
  /** Enabled policies only, in position order. */
  readonly policies: readonly SnapshotPolicy[];
}

/** Copied: action, position, redirectUrl, redirectPrefix, redirectHttpCode, fixedResponse. */
export interface SnapshotPolicy extends Copied<'l7policy'> {
  readonly id: string;
  /** Enabled rules only; a policy matches when every rule matches (AND). */
  readonly rules: readonly SnapshotRule[];
  readonly redirectPoolId: string | null;
  /** REDIRECT_TO_LISTENER, resolved: the target's scheme and port. */
  readonly redirectListener: { readonly protocol: ListenerProtocol; readonly port: number } | null;
}

/** Copied: type, compareType, key, value, invert. */
export interface SnapshotRule extends Copied<'l7rule'> {
  readonly id: string;
}

/** Copied: type, riseCount (successes that bring a member up), fallCount (failures that take it down), domainName. */
export interface SnapshotHealthMonitor extends Copied<'healthmonitor'> {
  readonly id: string;
  /** Milliseconds between probes of one member (Octavia's `delay` is seconds; converted here). */
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly httpMethod: string;
  readonly urlPath: string;
  /** Parsed `expected_codes`: inclusive ranges. */
  readonly expectedCodes: readonly (readonly [number, number])[];
  readonly httpVersion: number;
}

/** Copied: name, address, port, weight, backup, enabled (false when admin down: no new connections, open ones finish). */
export interface SnapshotMember extends Copied<'member'> {
  readonly id: string;
  /** Where health probes go (monitor_address/monitor_port, else address/port). */
  readonly monitorAddress: string;
  readonly monitorPort: number;
}

/** Copied: name, protocol, algorithm, enabled (false when admin down: it serves nothing, 503 / refused). */
export interface SnapshotPool extends Copied<'pool'> {
  readonly id: string;
  readonly sessionPersistence: {
    readonly type: SessionPersistenceType;
    readonly cookieName: string | null;
    /** Seconds, for SOURCE_IP. */
    readonly timeoutSeconds: number;
    /** SOURCE_IP: a netmask; clients in one network share a member. null: each address on its own. */
    readonly granularity: string | null;
  } | null;
  readonly members: readonly SnapshotMember[];
  /** null: no monitor, or monitor admin down → members are NO_MONITOR and always used. */
  readonly healthMonitor: SnapshotHealthMonitor | null;
  /** HTTPS pools and HTTP pools with tls_enabled: re-encrypt to members. */
  readonly tls: SnapshotPoolTls | null;
}

export interface SnapshotPoolTls {
  /** Members' chains are verified against this CA; null: any certificate (Octavia's `verify none`). */
  readonly caPem: string | null;
  /** PEM X509 CRLs (one per entry) member certificates are checked against; empty: none. */
  readonly crls: readonly string[];
  readonly clientCertificate: SnapshotTlsCertificate | null;
  readonly sni: boolean;
  /** e.g. ['TLSv1.2', 'TLSv1.3']; null = elbow's default (TLSv1.2+). */
  readonly versions: readonly string[] | null;
  /** OpenSSL cipher string; null = Node's default. */
  readonly ciphers: string | null;
  /** Offered to members by ALPN; empty: none. */
  readonly alpnProtocols: readonly string[];
}

/** What the data plane reports after applying a snapshot. */
export interface ApplyReport {
  readonly revision: number;
  /** Listeners that could not be served, with the reason (e.g. EADDRINUSE). */
  readonly listenerErrors: Readonly<Record<string, string>>;
}

/**
 * The data plane's counters, asked afresh on each read (GET …/stats, amphora stats): they change
 * with every connection. Statuses are not here: member statuses and listener errors are what the
 * engines push into the runtime view (runtime-view.ts), the one place the API reads them from.
 */
export interface DataPlaneStats {
  /** The revision the data plane ran when its counters were read. */
  readonly revision: number;
  /** Listener id → its counters. */
  readonly listeners: Readonly<Record<string, ListenerStats>>;
}

export interface ListenerStats {
  bytes_in: number;
  bytes_out: number;
  active_connections: number;
  total_connections: number;
  request_errors: number;
}

/**
 * The seam between control plane and data plane, implemented by the data plane and wired in main.
 * An engine given a RuntimeReporter reports each apply's outcome into it before apply() resolves.
 */
export interface SnapshotApplier {
  apply(snapshot: Snapshot): Promise<ApplyReport>;
  /** Asked on demand: counters for stats, and whether the data plane answers (node health). */
  stats(): Promise<DataPlaneStats>;
  /** Prometheus exposition text of the data plane's metrics. */
  metrics(): Promise<string>;
}
