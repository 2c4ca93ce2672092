// The elbow nodes as the API shows them (GET /v2/lbaas/nodes, `elbow status`): what each node
// reported with its last heartbeat, `down` when it stopped or went silent, and the load balancers
// placed on it (model/placement.ts). Octavia's amphorae take the same nodes through the
// NodeDirectory (store-node-directory.ts).

import { ElbowError } from '../errors.js';
import { servesLoadBalancer } from '../model/placement.js';
import type { ConfigView } from '../store/config-mirror.js';
import { isDown, type NodeRecord, type NodeRegistry } from '../store/node-registry.js';

export type NodeHealthShown = 'ok' | 'degraded' | 'failing' | 'down';

export interface NodeView {
  readonly name: string;
  /** Stable across restarts (its data directory's node-id): its amphorae's compute_id. */
  readonly id: string;
  readonly availability_zone: string | null;
  /** As the node reported it, or `down`: it stopped, or missed three heartbeats. */
  readonly health: NodeHealthShown;
  readonly health_detail: string | null;
  /** The store revision its data plane runs. */
  readonly applied_revision: number | null;
  readonly last_heartbeat: string;
  readonly seconds_since_heartbeat: number;
  /** Seconds between its heartbeats; it is shown down after three missed. */
  readonly heartbeat_interval: number;
  readonly started_at: string;
  readonly api_url: string | null;
  readonly version: string;
  /** The engine carrying its data plane (`elbow serve --engine`): name, HAProxy version, protocols per engine; null from nodes that do not say. */
  readonly engine: Readonly<Record<string, unknown>> | null;
  /** Its VIP failover: the VRRP state of each of its groups, when it runs keepalived. */
  readonly vrrp: Readonly<Record<string, unknown>> | null;
  /** Ids of the load balancers placed on it (served while it is not down). */
  readonly loadbalancers: readonly string[];
  /** Whether this is the node answering. */
  readonly local: boolean;
}

export interface NodeList {
  list(): Promise<NodeView[]>;
  /** NOT_FOUND when no node has this name. */
  show(name: string): Promise<NodeView>;
  /** Forgets a decommissioned node: NODE_NOT_DOWN while it heartbeats, NOT_FOUND when unknown. */
  remove(name: string): Promise<void>;
}

const seconds = (ms: number) => Math.round(ms) / 1000;

function detailOf(record: NodeRecord): string | null {
  if (record.health === 'stopped') return 'stopped';
  if (isDown(record)) return `no heartbeat for ${seconds(record.heartbeatAgeMs).toFixed(1)} s`;
  return record.healthDetail;
}

export function nodeView(record: NodeRecord, config: Pick<ConfigView, 'list'>, localName: string | null): NodeView {
  const { vrrp, engine } = record.details;
  return {
    name: record.name,
    id: record.nodeId,
    availability_zone: record.availabilityZone,
    health: record.health === 'stopped' || isDown(record) ? 'down' : record.health,
    health_detail: detailOf(record),
    applied_revision: record.appliedRevision,
    last_heartbeat: record.lastHeartbeat,
    seconds_since_heartbeat: seconds(record.heartbeatAgeMs),
    heartbeat_interval: seconds(record.heartbeatIntervalMs),
    started_at: record.startedAt,
    api_url: record.apiUrl,
    version: record.version,
    engine: typeof engine === 'object' && engine !== null ? (engine as Record<string, unknown>) : null,
    vrrp: typeof vrrp === 'object' && vrrp !== null ? (vrrp as Record<string, unknown>) : null,
    loadbalancers: config
      .list('loadbalancer')
      .filter((lb) => servesLoadBalancer(record.availabilityZone, lb.availability_zone))
      .map((lb) => lb.id),
    local: record.name === localName,
  };
}

export function createNodeList(options: { registry: NodeRegistry; config: Pick<ConfigView, 'list'> & { sync(): Promise<void> }; localName: string | null }): NodeList {
  const { registry, config, localName } = options;
  const records = async () => {
    const [found] = await Promise.all([registry.list(), config.sync()]);
    return found;
  };
  const find = async (name: string) => {
    const record = (await records()).find((each) => each.name === name);
    if (record === undefined) throw new ElbowError('NOT_FOUND', { kind: 'node', id: name });
    return record;
  };
  return {
    list: async () => (await records()).map((record) => nodeView(record, config, localName)),
    show: async (name) => nodeView(await find(name), config, localName),
    remove: async (name) => {
      const record = await find(name);
      if (!isDown(record)) throw new ElbowError('NODE_NOT_DOWN', { name, age: seconds(record.heartbeatAgeMs).toFixed(1) });
      await registry.remove(name);
    },
  };
}
