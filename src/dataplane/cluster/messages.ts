// The IPC protocol between the cluster primary (supervisor) and its data plane workers.
// Requests carry an id; the worker answers each with exactly one reply. Member health flows
// from the probing worker to the primary, which relays it to every other worker.

import type { ApplyReport, DataPlaneStats, Snapshot } from '../../snapshot/snapshot.js';
import type { StickyBinding } from '../sessions/sticky-sync.js';
import type { SnapshotDelta } from './snapshot-delta.js';
import type { UdpOwners } from './udp-ownership.js';

/** Member id → health state (ONLINE | ERROR | …), as decided by the one probing worker. */
export type MemberHealth = Readonly<Record<string, string>>;

export type WorkerRequest =
  | { readonly op: 'apply'; readonly snapshot: Snapshot; readonly udpOwners: UdpOwners }
  /** For a worker that holds the delta's base snapshot. */
  | { readonly op: 'apply-delta'; readonly delta: SnapshotDelta; readonly udpOwners: UdpOwners }
  /** UDP listeners changed owners (a worker exited or came back): re-apply the current snapshot. */
  | { readonly op: 'assign'; readonly udpOwners: UdpOwners }
  | { readonly op: 'stats' }
  /** This worker's own member statuses (for operators and tests: the API reads the runtime view). */
  | { readonly op: 'members' }
  | { readonly op: 'metrics' }
  | { readonly op: 'close'; readonly drainMs: number };

export interface WorkerReplies {
  apply: ApplyReport;
  'apply-delta': ApplyReport;
  assign: ApplyReport | null;
  stats: DataPlaneStats;
  members: MemberHealth;
  metrics: string;
  close: null;
}

export type PrimaryMessage =
  | { readonly kind: 'elbow:request'; readonly id: number; readonly request: WorkerRequest }
  | { readonly kind: 'elbow:member-health'; readonly states: MemberHealth }
  /** Sticky bindings other workers made, to learn. */
  | { readonly kind: 'elbow:sticky'; readonly bindings: readonly StickyBinding[] };

export type WorkerMessage =
  /** The worker's data plane exists: it may receive requests. */
  | { readonly kind: 'elbow:started' }
  | { readonly kind: 'elbow:reply'; readonly id: number; readonly value: unknown }
  | { readonly kind: 'elbow:reply'; readonly id: number; readonly error: string }
  /** From the probing worker only: members whose health changed. */
  | { readonly kind: 'elbow:member-health'; readonly states: MemberHealth }
  /** Sticky bindings this worker's traffic made (batched), for the others. */
  | { readonly kind: 'elbow:sticky'; readonly bindings: readonly StickyBinding[] };

/** Environment a worker is forked with. */
export const WORKER_ENV = {
  slot: 'ELBOW_WORKER_SLOT',
  probes: 'ELBOW_WORKER_PROBES',
  /** JSON of WorkerSettings. */
  settings: 'ELBOW_WORKER_SETTINGS',
  /** The TLS session ticket key ring's start (TicketKeyRing.exportForWorker): secret, never logged. */
  ticketKeys: 'ELBOW_WORKER_TLS_TICKET_KEYS',
} as const;

/** What every worker's data plane is created with (besides its role). */
export interface WorkerSettings {
  /** Drain bound for removed listeners and members; undefined = the data plane's default. */
  readonly drainMs?: number;
  readonly accessLogDir?: string;
  /** Workers log JSON lines on their stderr (the primary's) at this level. */
  readonly logLevel: string;
}

/** Cluster also uses the IPC channel; ours are the messages whose kind starts with `elbow:`. */
export function isElbowMessage(value: unknown): value is { readonly kind: string } {
  return typeof value === 'object' && value !== null
    && typeof (value as { kind?: unknown }).kind === 'string'
    && (value as { kind: string }).kind.startsWith('elbow:');
}
