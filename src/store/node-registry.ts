// The elbow nodes sharing a store, as each one reports itself: a row per node name, rewritten by
// every heartbeat. Heartbeats are not configuration: they never move the revision. Time is the
// store's clock (written and compared by the database), so nodes whose clocks disagree still agree
// on who is down.

/** What a node says about itself; `down` is never reported, it is concluded from silence. */
export type ReportedHealth = 'ok' | 'degraded' | 'failing' | 'stopped';

/** What a node reports with each heartbeat. */
export interface NodeReport {
  readonly name: string;
  /**
   * A random id kept in the node's data directory: a restart of the same node takes its row back
   * at once, while a second process claiming a name in use is refused.
   */
  readonly nodeId: string;
  readonly availabilityZone: string | null;
  /** Where its API listens, for operators. */
  readonly apiUrl: string | null;
  readonly version: string;
  /** The store revision its data plane runs; null before the first apply. */
  readonly appliedRevision: number | null;
  readonly health: ReportedHealth;
  /** Why it is not ok; null when it is. */
  readonly healthDetail: string | null;
  /** How often it heartbeats: readers take it as down after MISSED_HEARTBEATS_DOWN of them. */
  readonly heartbeatIntervalMs: number;
  /** Anything else worth showing (the VRRP state of its VIP groups, …), stored as JSON. */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface NodeRecord extends NodeReport {
  /** ISO timestamps by the store's clock. */
  readonly startedAt: string;
  readonly lastHeartbeat: string;
  /** Milliseconds between lastHeartbeat and the read, by the store's clock. */
  readonly heartbeatAgeMs: number;
}

export interface NodeRegistry {
  /**
   * Claims the name for this node and records its first heartbeat (startedAt is now). Throws
   * NodeNameTaken while another node id holds the name and is not down.
   */
  register(report: NodeReport): Promise<void>;
  /** Records a heartbeat; false when the row is no longer this node's (removed, or claimed by another node id). */
  heartbeat(report: NodeReport): Promise<boolean>;
  /** Every registered node, by name. */
  list(): Promise<NodeRecord[]>;
  /** Forgets a node (decommissioned); false when there was none. */
  remove(name: string): Promise<boolean>;
}

/** A node is down once this many heartbeat intervals passed without one. */
export const MISSED_HEARTBEATS_DOWN = 3;

/** Whether a node is down: it said it stopped, or it has been silent for MISSED_HEARTBEATS_DOWN intervals. */
export function isDown(record: Pick<NodeRecord, 'health' | 'heartbeatAgeMs' | 'heartbeatIntervalMs'>): boolean {
  return record.health === 'stopped' || record.heartbeatAgeMs > MISSED_HEARTBEATS_DOWN * record.heartbeatIntervalMs;
}

export class NodeNameTaken extends Error {
  constructor(
    readonly nodeName: string,
    readonly heartbeatAgeMs: number,
  ) {
    super(
      `node name "${nodeName}" is in use by another elbow node (last heartbeat ${(heartbeatAgeMs / 1000).toFixed(1)} s ago); ` +
        'choose another --node-name, or stop that node first',
    );
    this.name = 'NodeNameTaken';
  }
}
