// The control plane's one entry point for the API (and anything else that changes configuration):
// validation by the model's rules, the write in one store transaction, then the wait until the
// data plane has applied the new revision (design.md §3: changes apply synchronously).

import type { ResourceKind } from '../model/types.js';

/** A resource as the API shows it: derived relationship arrays filled in, private keys removed. */
export type ResourceView = Record<string, unknown> & { id: string };

export interface ListParams {
  /** Raw query parameters: field filters plus `limit`, `marker`, `fields`, `sort`… (Octavia's). */
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
}

/** Who asks: the request's project (X-Project-Id), which new load balancers, certificates and IP groups belong to. */
export interface RequestContext {
  readonly projectId?: string;
}

export interface ControlPlane {
  /** body is the unwrapped object (`{"listener": {...}}` → `{...}`), not yet validated. */
  create(kind: ResourceKind, body: unknown, parent?: { pool_id?: string; l7policy_id?: string }, request?: RequestContext): Promise<ResourceView>;
  update(kind: ResourceKind, id: string, body: unknown, parent?: { pool_id?: string; l7policy_id?: string }): Promise<ResourceView>;
  remove(kind: ResourceKind, id: string, options?: { cascade?: boolean; pool_id?: string; l7policy_id?: string }): Promise<void>;
  /** A quota's id is its project's: a project without one shows the defaults; update creates it, remove resets it. */
  show(kind: ResourceKind, id: string, parent?: { pool_id?: string; l7policy_id?: string }): Promise<ResourceView>;
  /** The quota every project has until one is set (GET /quotas/defaults, /quotas/{project_id}/default). */
  quotaDefaults(projectId?: string): Promise<ResourceView>;
  list(kind: ResourceKind, params: ListParams, parent?: { pool_id?: string; l7policy_id?: string }): Promise<ResourceView[]>;
  /**
   * Octavia's batch member update (PUT /pools/{id}/members): the pool's members become `members`
   * (not yet validated), matched by address and port; with additiveOnly, unlisted ones stay.
   */
  replaceMembers(poolId: string, members: unknown, options: { additiveOnly: boolean }): Promise<void>;
  /** Octavia's GET /loadbalancers/{id}/status: {"statuses": {"loadbalancer": {…, listeners: [{…, pools: [{…, members: […]}]}]}}}. */
  statusTree(loadbalancerId: string): Promise<Record<string, unknown>>;
  /** Octavia's stats: {"stats": {bytes_in, bytes_out, active_connections, total_connections, request_errors}}. */
  stats(kind: 'loadbalancer' | 'listener', id: string): Promise<Record<string, unknown>>;
  /** Octavia's amphorae: one per elbow node serving a load balancer (amphorae.ts). */
  listAmphorae(params: ListParams): Promise<ResourceView[]>;
  showAmphora(id: string): Promise<ResourceView>;
  /** {"amphora_stats": [...]}: the load balancer's listeners as that node counts them. */
  amphoraStats(id: string): Promise<Record<string, unknown>>;
  /** Has the nodes serving a load balancer (or the one of an amphora) apply its configuration afresh from the store. */
  failover(kind: 'loadbalancer' | 'amphora', id: string): Promise<void>;
}

export { createControlPlane, type ControlPlaneOptions } from './create-control-plane.js';
