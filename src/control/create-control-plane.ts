// The control plane: validate the body (schemas from the catalog), change the configuration
// (mutations.ts: the kind's handler in one store transaction, then the wait until the data plane
// applied the new revision), answer with the resource as the API shows it (views-reader.ts, with
// statuses from the runtime view the engines report into: snapshot/runtime-view.ts). Amphorae and
// failover ask the node directory which elbow nodes serve a load balancer (amphorae.ts).

import type { EngineName } from '../model/rules/engine-limits.js';
import { validateBodies, validateBody, type UpdateBody } from '../model/schemas.js';
import { DEFAULT_VIP_RANGE, type VipRange } from '../model/vip.js';
import type { RuntimeView } from '../snapshot/runtime-view.js';
import type { ApplyReport, ListenerStats } from '../snapshot/snapshot.js';
import { ConfigMirror } from '../store/config-mirror.js';
import type { Store } from '../store/store.js';
import { amphoraApi } from './amphorae.js';
import type { ControlPlane } from './control-plane.js';
import { Mutations } from './mutations.js';
import { localNodeDirectory, thisNode, type NodeDirectory } from './node-directory.js';
import { defaultQuotaView } from './quotas.js';
import { ViewsReader } from './views-reader.js';

export interface ControlPlaneOptions {
  store: Store;
  /** The configuration in memory that reads render from; one over `store` when not given (serve shares it with the snapshot publisher). */
  mirror?: ConfigMirror;
  /** Builds the snapshot of `revision` and applies it in the data plane (wired by main). */
  publish?: (revision: number) => Promise<ApplyReport>;
  /**
   * What the data plane runs, for statuses: the engines report into it, reads render from it as it
   * is. Without one (the control plane alone) statuses show the defaults: members NO_MONITOR, no errors.
   */
  runtime?: RuntimeView;
  /** The listeners' counters, asked of the data plane on each stats read (whatever engine runs it). */
  stats?: () => Promise<Readonly<Record<string, ListenerStats>>>;
  /** The project every resource belongs to (elbow has one tenant). Default "elbow". */
  projectId?: string;
  /** Where VIPs are allocated from. Default 127.0.1.1–127.255.255.254 (design.md §4). */
  vipRange?: VipRange;
  /** The data plane engine this process runs: values it cannot honour are refused with a 400 naming it. */
  engine?: EngineName;
  /** Which elbow nodes serve which load balancer (amphorae, failover); default: this process, re-applying nothing. */
  nodes?: NodeDirectory;
}

export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  const { store } = options;
  const mirror = options.mirror ?? new ConfigMirror(store);
  const mutations = new Mutations({ store, publish: options.publish, projectId: options.projectId ?? 'elbow', vipRange: options.vipRange ?? DEFAULT_VIP_RANGE, ...(options.engine !== undefined ? { engine: options.engine } : {}) });
  const reader = new ViewsReader(mirror, options.runtime, options.stats);
  const amphorae = amphoraApi({
    nodes: options.nodes ?? localNodeDirectory(thisNode(), async () => undefined),
    rendered: (render) => reader.withStatuses(render),
    stats: () => reader.counters(),
  });

  return {
    ...amphorae,
    async create(kind, body, parent, request) {
      const created = await mutations.create(kind, validateBody(kind, 'create', body) as Record<string, unknown>, parent, request?.projectId);
      // Octavia answers a load balancer create with its listeners and pools in full.
      if (kind === 'loadbalancer') return reader.fullLoadBalancer(created.id, created.revision);
      return reader.show(kind, created.id, undefined, created.revision);
    },
    async update(kind, id, body, parent) {
      const input = validateBody(kind, 'update', body);
      const revision = kind === 'quota' ? await mutations.setQuota(id, input as UpdateBody<'quota'>) : await mutations.update(kind, id, input, parent);
      return reader.show(kind, id, undefined, revision);
    },
    async remove(kind, id, removeOptions) {
      if (kind === 'quota') return mutations.resetQuota(id);
      await mutations.remove(kind, id, { pool_id: removeOptions?.pool_id, l7policy_id: removeOptions?.l7policy_id }, removeOptions?.cascade ?? false);
    },
    show: (kind, id, parent) => reader.show(kind, id, parent),
    quotaDefaults: async (projectId) => defaultQuotaView(projectId),
    async replaceMembers(poolId, members, { additiveOnly }) {
      await mutations.replaceMembers(poolId, validateBodies('member', 'create', members, 'members'), additiveOnly);
    },
    list: (kind, params, parent) => reader.list(kind, params, parent),
    statusTree: (loadbalancerId) => reader.statusTree(loadbalancerId),
    stats: (kind, id) => reader.stats(kind, id),
  };
}
