// Which elbow nodes serve which load balancer: the one question behind Octavia's amphora API
// (elbow has no amphorae; each node serving a load balancer is shown as one) and behind failover.
// A control plane on its own knows one node, this one (localNodeDirectory); `elbow serve` gives it
// the nodes registered in the store, each serving the load balancers placed on it
// (store-node-directory.ts).

import { hostname } from 'node:os';
import type { LoadBalancer } from '../model/types.js';

/** An elbow node: one process applying the configuration to its data plane. */
export interface ElbowNode {
  /** Stable across restarts (kept in the data directory). */
  readonly id: string;
  /** For people: the host name. */
  readonly name: string;
  /** Where it is managed: its API address (Octavia's lb_network_ip). */
  readonly address: string;
  /** ONLINE while it serves; a node that stopped reporting is OFFLINE. */
  readonly status: 'ONLINE' | 'OFFLINE';
  /** Its availability zone, if it has one. */
  readonly availabilityZone: string | null;
}

export interface NodeDirectory {
  /** The nodes serving a load balancer. */
  nodesServing(loadBalancer: LoadBalancer): Promise<readonly ElbowNode[]>;
  /**
   * Has the node apply the load balancer's configuration afresh from the store (failover):
   * resolves once it is applied. Listener errors stay visible in the statuses as ever.
   */
  reapply(node: ElbowNode, loadBalancerId: string): Promise<void>;
}

/** One node, this process, serving every load balancer; `reapply` is the local publisher's. */
export function localNodeDirectory(node: ElbowNode, reapply: (loadBalancerId: string) => Promise<unknown>): NodeDirectory {
  return {
    nodesServing: async () => [node],
    reapply: async (target, loadBalancerId) => {
      if (target.id !== node.id) throw new Error(`node ${target.id} is not this node (${node.id})`);
      await reapply(loadBalancerId);
    },
  };
}

/** This process as a node, before it has an id of its own (tests, a control plane without serve). */
export function thisNode(fields: Partial<ElbowNode> = {}): ElbowNode {
  return { id: 'local', name: hostname(), address: '127.0.0.1', status: 'ONLINE', availabilityZone: null, ...fields };
}
