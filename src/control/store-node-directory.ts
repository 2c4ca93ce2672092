// The node directory of several nodes sharing a store: the nodes registered there (heartbeats),
// each serving the load balancers placed on it (model/placement.ts); a node that went silent is
// OFFLINE. Re-applying a load balancer (failover) runs here for this node, and on another node
// through `reapplyRemote` (its API); a node that is down has nothing to re-apply: it applies
// everything when it comes back.

import { servesLoadBalancer } from '../model/placement.js';
import { isDown, type NodeRecord, type NodeRegistry } from '../store/node-registry.js';
import type { ElbowNode, NodeDirectory } from './node-directory.js';

/** One registry read serves the many nodesServing() calls of one listing. */
const REGISTRY_REUSE_MS = 500;

export interface StoreNodeDirectoryOptions {
  readonly registry: Pick<NodeRegistry, 'list'>;
  /** This node's id (its row's node id). */
  readonly localId: string;
  reapplyLocal(loadBalancerId: string): Promise<unknown>;
  /** Has another node re-apply a load balancer; `apiUrl` is where that node's API listens. */
  reapplyRemote(node: ElbowNode, apiUrl: string, loadBalancerId: string): Promise<void>;
}

export function elbowNodeOf(record: NodeRecord): ElbowNode {
  let address = '';
  try {
    address = record.apiUrl === null ? '' : new URL(record.apiUrl).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    // not a URL: no address to show
  }
  return { id: record.nodeId, name: record.name, address, status: isDown(record) ? 'OFFLINE' : 'ONLINE', availabilityZone: record.availabilityZone };
}

export function storeNodeDirectory(options: StoreNodeDirectoryOptions): NodeDirectory {
  let cached: { at: number; records: Promise<NodeRecord[]> } | undefined;
  const records = (): Promise<NodeRecord[]> => {
    const now = performance.now();
    if (cached === undefined || now - cached.at > REGISTRY_REUSE_MS) {
      const read = options.registry.list();
      cached = { at: now, records: read };
      read.catch(() => (cached = undefined));
    }
    return cached.records;
  };
  return {
    async nodesServing(loadBalancer) {
      return (await records()).filter((record) => servesLoadBalancer(record.availabilityZone, loadBalancer.availability_zone)).map(elbowNodeOf);
    },
    async reapply(node, loadBalancerId) {
      if (node.id === options.localId) {
        await options.reapplyLocal(loadBalancerId);
        return;
      }
      const record = (await records()).find((each) => each.nodeId === node.id);
      if (record === undefined || isDown(record) || record.apiUrl === null) return;
      await options.reapplyRemote(node, record.apiUrl, loadBalancerId);
    },
  };
}
