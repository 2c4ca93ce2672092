// Octavia's amphora API and failover, as elbow means them. elbow runs no amphorae: the load
// balancer's configuration is applied by the elbow nodes. GET /v2/octavia/amphorae lists one entry
// per node and load balancer (the node directory says which nodes serve which), with the node's
// status and addresses; a load balancer's or an amphora's failover has the node(s) apply that load
// balancer's configuration afresh from the store, then answers. Statistics per amphora are the
// load balancer's listeners' as the node counts them.

import { createHash } from 'node:crypto';
import { ElbowError } from '../errors.js';
import type { LoadBalancer } from '../model/types.js';
import type { ListenerStats } from '../snapshot/snapshot.js';
import type { ConfigView } from '../store/config-mirror.js';
import type { ListParams, ResourceView } from './control-plane.js';
import { applyListQuery } from './list-query.js';
import type { ElbowNode, NodeDirectory } from './node-directory.js';
import type { StatusLookup } from './views.js';

/** What the amphora views need from the control plane. */
export interface AmphoraDeps {
  readonly nodes: NodeDirectory;
  /** The configuration at the latest revision, with the statuses of this read. */
  rendered<T>(render: (view: ConfigView, statuses: StatusLookup) => T): Promise<T>;
  /** The data plane's listener counters, asked afresh; undefined when none answers. */
  stats(): Promise<Readonly<Record<string, ListenerStats>> | undefined>;
}

interface Served {
  readonly node: ElbowNode;
  readonly lb: LoadBalancer;
}

/** The same id for the same node and load balancer, whatever the process: a UUID derived from both. */
export function amphoraId(nodeId: string, loadBalancerId: string): string {
  const hex = createHash('sha256').update(`elbow-amphora:${nodeId}:${loadBalancerId}`).digest('hex');
  // RFC 9562's version 8 (custom) layout: 4 bits version, 2 bits variant.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const SORTABLE = new Set(['id', 'loadbalancer_id', 'compute_id', 'lb_network_ip', 'ha_ip', 'role', 'status', 'cached_zone', 'created_at', 'updated_at']);

function amphoraView({ node, lb }: Served, view: ConfigView, statuses: StatusLookup): ResourceView {
  const failing = view.children('listenersByLb', lb.id).some((listener) => statuses.get(listener.id)?.provisioning_status === 'ERROR');
  return {
    id: amphoraId(node.id, lb.id),
    loadbalancer_id: lb.id,
    compute_id: node.id,
    lb_network_ip: node.address,
    ha_ip: lb.vip_address,
    ha_port_id: lb.vip_port_id,
    vrrp_ip: null,
    vrrp_port_id: null,
    vrrp_interface: null,
    vrrp_id: null,
    vrrp_priority: null,
    cert_expiration: null,
    cert_busy: false,
    role: 'STANDALONE',
    status: node.status === 'ONLINE' && !failing ? 'ALLOCATED' : 'ERROR',
    cached_zone: lb.availability_zone ?? node.availabilityZone,
    image_id: null,
    compute_flavor: null,
    created_at: lb.created_at,
    updated_at: lb.updated_at,
  };
}

export function amphoraApi(deps: AmphoraDeps) {
  /** Every (node, load balancer) pair, in load balancer creation order. */
  async function served(): Promise<{ pairs: Served[]; view: ConfigView; statuses: StatusLookup }> {
    const { lbs, view, statuses } = await deps.rendered((view, statuses) => ({ lbs: [...view.list('loadbalancer')], view, statuses }));
    const pairs: Served[] = [];
    for (const lb of lbs) for (const node of await deps.nodes.nodesServing(lb)) pairs.push({ node, lb });
    return { pairs, view, statuses };
  }

  async function find(id: string): Promise<{ pair: Served; view: ConfigView; statuses: StatusLookup }> {
    const { pairs, view, statuses } = await served();
    const pair = pairs.find(({ node, lb }) => amphoraId(node.id, lb.id) === id);
    if (pair === undefined) throw new ElbowError('NOT_FOUND', { kind: 'amphora', id });
    return { pair, view, statuses };
  }

  return {
    async listAmphorae(params: ListParams): Promise<ResourceView[]> {
      const { pairs, view, statuses } = await served();
      return applyListQuery(pairs.map((pair) => amphoraView(pair, view, statuses)), params, SORTABLE);
    },

    async showAmphora(id: string): Promise<ResourceView> {
      const { pair, view, statuses } = await find(id);
      return amphoraView(pair, view, statuses);
    },

    /** Octavia's {"amphora_stats": [...]}: one entry per listener of the load balancer, as this node counts. */
    async amphoraStats(id: string): Promise<Record<string, unknown>> {
      const { pair, view } = await find(id);
      const counters = await deps.stats();
      const listeners = view.children('listenersByLb', pair.lb.id);
      const zero = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 };
      return {
        amphora_stats: listeners.map((listener) => ({ id, loadbalancer_id: pair.lb.id, listener_id: listener.id, ...zero, ...counters?.[listener.id] })),
      };
    },

    /** Failover of a load balancer (every node serving it) or of one amphora (that node, that load balancer). */
    async failover(kind: 'loadbalancer' | 'amphora', id: string): Promise<void> {
      if (kind === 'amphora') {
        const { pair } = await find(id);
        await deps.nodes.reapply(pair.node, pair.lb.id);
        return;
      }
      const lb = await deps.rendered((view) => view.get('loadbalancer', id));
      if (lb === undefined) throw new ElbowError('NOT_FOUND', { kind: 'loadbalancer', id });
      for (const node of await deps.nodes.nodesServing(lb)) await deps.nodes.reapply(node, lb.id);
    },
  };
}

export type AmphoraApi = ReturnType<typeof amphoraApi>;
