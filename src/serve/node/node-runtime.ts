// This process as one elbow node among several on a shared store: its identity, placement (the
// snapshot cut to what the node serves before the engine sees it), its health for /healthz, its
// heartbeat in the node registry and, with --vrrp-interface, keepalived moving its VIPs.
// serve.ts creates it, wraps the engine with place(), and starts it once the API listens.

import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { amphoraId } from '../../control/amphorae.js';
import type { ElbowNode, NodeDirectory } from '../../control/node-directory.js';
import { createNodeList, type NodeList } from '../../control/node-list.js';
import { storeNodeDirectory } from '../../control/store-node-directory.js';
import type { ApplyReport, SnapshotApplier } from '../../snapshot/snapshot.js';
import type { ConfigMirror } from '../../store/config-mirror.js';
import type { Store } from '../../store/store.js';
import type { EngineInfo } from '../data-plane-engine.js';
import type { VrrpSettings } from '../keepalived/keepalived-config.js';
import { VipFailover } from '../keepalived/vip-failover.js';
import { NodeHealth, probeDataPlane, type HealthReport } from './node-health.js';
import { NodeHeartbeat, type NodeIdentity } from './node-heartbeat.js';
import { loadOrCreateNodeId } from '../node-id.js';
import { checkNodeName, defaultNodeName } from './node-identity.js';
import { PlacedApplier } from './placed-applier.js';

export interface NodeSettings {
  /** Default: the host name. */
  readonly name?: string;
  /** null: the node is bound to no zone and serves every load balancer. */
  readonly zone?: string | null;
  /** Default DEFAULT_HEARTBEAT_INTERVAL_MS. */
  readonly heartbeatIntervalMs?: number;
  /** VIP failover: keepalived with these VRRP settings; none without. */
  readonly vrrp?: VrrpSettings & { readonly keepalivedBinary: string };
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 2000;
/** How long the data plane may take to answer a health probe before the node counts as failing. */
const DATA_PLANE_PROBE_TIMEOUT_MS = 1000;

/** How long another node may take to re-apply a load balancer (failover through its API). */
const REMOTE_REAPPLY_BOUND_MS = 30_000;

export class NodeRuntime {
  /** The nodes as GET /v2/lbaas/nodes shows them. */
  readonly list: NodeList;
  private health: NodeHealth | undefined;
  private heartbeat: NodeHeartbeat | undefined;
  private placed: PlacedApplier | undefined;
  private failover: VipFailover | undefined;

  private constructor(
    readonly identity: NodeIdentity,
    private readonly settings: NodeSettings,
    private readonly store: Store,
    private readonly logger: FastifyBaseLogger,
    private readonly dataDir: string,
    mirror: ConfigMirror,
  ) {
    this.list = createNodeList({ registry: store.nodes, config: mirror, localName: identity.name });
  }

  /**
   * Which nodes serve which load balancer, for Octavia's amphorae and failover: the registered
   * nodes; this one re-applies through `reapplyLocal`, another through its API (the API token is
   * the same on every node).
   */
  directory(reapplyLocal: (loadBalancerId: string) => Promise<unknown>, token: string): NodeDirectory {
    return storeNodeDirectory({
      registry: this.store.nodes,
      localId: this.identity.nodeId,
      reapplyLocal,
      reapplyRemote: (node, apiUrl, loadBalancerId) => reapplyRemotely(node, apiUrl, loadBalancerId, token),
    });
  }

  static async create(options: { settings: NodeSettings; dataDir: string; version: string; store: Store; mirror: ConfigMirror; logger: FastifyBaseLogger }): Promise<NodeRuntime> {
    const { settings } = options;
    const identity: NodeIdentity = {
      name: checkNodeName(settings.name ?? defaultNodeName()),
      nodeId: await loadOrCreateNodeId(options.dataDir),
      zone: settings.zone === undefined || settings.zone === null || settings.zone === '' ? null : settings.zone,
      version: options.version,
    };
    return new NodeRuntime(identity, settings, options.store, options.logger, options.dataDir, options.mirror);
  }

  /** The engine behind placement: it sees only the load balancers placed on this node. */
  place(engine: SnapshotApplier): PlacedApplier {
    this.placed = new PlacedApplier(engine, this.identity.zone);
    return this.placed;
  }

  /** Health from the engine's answers and the publisher's last apply; needed before the API serves /healthz. */
  watch(engine: Parameters<typeof probeDataPlane>[0], lastApply: () => ApplyReport | undefined): void {
    this.health = new NodeHealth({
      node: this.identity.name,
      zone: this.identity.zone,
      lastApply,
      probe: probeDataPlane(engine, DATA_PLANE_PROBE_TIMEOUT_MS),
    });
  }

  report(): Promise<HealthReport> {
    if (this.health === undefined) throw new Error('NodeRuntime.watch() must come first');
    return this.health.report();
  }

  /**
   * Registers the node (failing when a live node holds its name), starts heartbeating, then
   * keepalived: the data plane serves the stored configuration and the API answers by now, so the
   * node never takes a VIP with nothing behind it.
   */
  async start(options: { apiUrl: string; catchUp: () => Promise<ApplyReport>; appliedRevision: () => number | null; engine?: EngineInfo }): Promise<void> {
    if (this.health === undefined) throw new Error('NodeRuntime.watch() must come first');
    this.heartbeat = new NodeHeartbeat({
      registry: this.store.nodes,
      identity: this.identity,
      apiUrl: options.apiUrl,
      intervalMs: this.settings.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      health: this.health,
      catchUp: options.catchUp,
      appliedRevision: options.appliedRevision,
      details: () => ({ ...(options.engine === undefined ? {} : { engine: options.engine }), ...(this.failover === undefined ? {} : { vrrp: this.failover.details() }) }),
      logger: this.logger,
    });
    await this.heartbeat.start();
    this.logger.info({ node: this.identity.name, availabilityZone: this.identity.zone }, 'registered this node in the store');
    const { vrrp } = this.settings;
    if (vrrp === undefined) return;
    if (this.placed === undefined) throw new Error('NodeRuntime.place() must come first');
    const { keepalivedBinary, ...settings } = vrrp;
    this.failover = await VipFailover.start({
      settings,
      keepalivedBinary,
      dir: join(this.dataDir, 'keepalived'),
      node: this.identity.name,
      zone: this.identity.zone,
      healthUrl: healthUrlOf(options.apiUrl),
      placed: this.placed,
      logger: this.logger,
    });
  }

  /** Hands the VIPs over (keepalived leaves), stops heartbeating and marks the node stopped. */
  async stop(): Promise<void> {
    await this.failover?.stop();
    await this.heartbeat?.stop();
  }
}

/** The API's /healthz as this host reaches it: a wildcard listen address is asked on loopback. */
export function healthUrlOf(apiUrl: string): string {
  const url = new URL('/healthz', apiUrl);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.toString();
}

/** Another node's failover of one load balancer, through its API (Octavia's amphora failover: 202 once applied). */
async function reapplyRemotely(node: ElbowNode, apiUrl: string, loadBalancerId: string, token: string): Promise<void> {
  const response = await fetch(new URL(`/v2/octavia/amphorae/${amphoraId(node.id, loadBalancerId)}/failover`, apiUrl), {
    method: 'PUT',
    headers: { 'x-auth-token': token },
    signal: AbortSignal.timeout(REMOTE_REAPPLY_BOUND_MS),
  });
  if (response.status !== 202) throw new Error(`node ${node.name} (${apiUrl}) did not re-apply load balancer ${loadBalancerId}: ${response.status} ${(await response.text()).slice(0, 200)}`);
}
