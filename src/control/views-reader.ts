// Reads of the configuration as the API shows it: resources rendered from the configuration
// mirror with their relations and statuses (statuses.ts) from the runtime view as it is now (the
// engines keep it current; a read never waits on them), lists filtered and paged as Octavia does,
// the status tree and stats (the one read that asks the data plane: counters must be fresh).

import { ElbowError } from '../errors.js';
import { perKind, sortableFields } from '../model/resources/catalog.js';
import type { ResourceByKind, ResourceKind } from '../model/types.js';
import type { RuntimeView } from '../snapshot/runtime-view.js';
import type { ListenerStats } from '../snapshot/snapshot.js';
import type { ConfigMirror, ConfigView } from '../store/config-mirror.js';
import type { ListParams, ResourceView } from './control-plane.js';
import { fullLoadBalancerView } from './full-views.js';
import type { Parent } from './handlers/handler.js';
import { applyListQuery } from './list-query.js';
import { checkParent, PARENT_FIELD, PARENT_INDEX, PARENT_KIND } from './parents.js';
import { defaultQuotaView } from './quotas.js';
import { statusTree, sumStats } from './status-tree.js';
import { StatusRollup } from './statuses.js';
import { Relations, renderView, type StatusLookup } from './views.js';

/** What each kind's lists may be sorted by. */
const SORTABLE = perKind((kind) => new Set(sortableFields(kind)));

export class ViewsReader {
  constructor(
    private readonly mirror: ConfigMirror,
    private readonly runtime: RuntimeView | undefined,
    private readonly askCounters: (() => Promise<Readonly<Record<string, ListenerStats>>>) | undefined,
  ) {}

  /** One resource, rendered at `revision` at least (else at the store's latest). */
  show(kind: ResourceKind, id: string, parent?: Parent, revision?: number): Promise<ResourceView> {
    return this.rendered((relations, statuses) => {
      const resource = this.mirror.get(kind, id);
      // Every project has a quota: the defaults until one is set.
      if (!resource && kind === 'quota') return defaultQuotaView(id);
      if (!resource) throw new ElbowError('NOT_FOUND', { kind, id });
      checkParent(kind, resource, parent);
      return renderView(kind, resource, relations, statuses);
    }, revision);
  }

  /** A load balancer with its listeners and pools in full, as Octavia answers its create. */
  fullLoadBalancer(id: string, revision?: number): Promise<ResourceView> {
    return this.rendered((relations, statuses) => {
      const lb = this.mirror.get('loadbalancer', id);
      if (!lb) throw new ElbowError('NOT_FOUND', { kind: 'loadbalancer', id });
      return fullLoadBalancerView(lb, relations, statuses);
    }, revision);
  }

  /** A list's views: the kind's resources, or a parent's children, rendered and filtered. */
  list(kind: ResourceKind, params: ListParams, parent?: Parent): Promise<ResourceView[]> {
    return this.rendered((relations, statuses) => {
      let resources = this.mirror.list(kind) as readonly ResourceByKind[ResourceKind][];
      const field = PARENT_FIELD[kind];
      const parentId = field ? parent?.[field] : undefined;
      if (field && parentId !== undefined) {
        if (this.mirror.byId(parentId) === undefined) throw new ElbowError('NOT_FOUND', { kind: PARENT_KIND[field], id: parentId });
        resources = this.mirror.children(PARENT_INDEX[field], parentId);
      }
      return applyListQuery(
        resources.map((r) => renderView(kind, r, relations, statuses)),
        params,
        SORTABLE[kind],
      );
    });
  }

  statusTree(loadbalancerId: string): Promise<Record<string, unknown>> {
    return this.rendered((relations, statuses) => {
      const lb = this.mirror.get('loadbalancer', loadbalancerId);
      if (!lb) throw new ElbowError('NOT_FOUND', { kind: 'loadbalancer', id: loadbalancerId });
      return statusTree(lb, relations, statuses);
    });
  }

  /** Stats are always asked afresh. */
  async stats(kind: 'loadbalancer' | 'listener', id: string): Promise<Record<string, unknown>> {
    const [counters] = await Promise.all([this.counters(), this.mirror.refresh()]);
    if (this.mirror.get(kind, id) === undefined) throw new ElbowError('NOT_FOUND', { kind, id });
    const listenerIds = kind === 'listener' ? [id] : this.mirror.children('listenersByLb', id).map((l) => l.id);
    return { stats: sumStats(listenerIds, counters) };
  }

  /** Every listener's counters as the data plane has them now; undefined when it cannot answer (stats show zeros). */
  async counters(): Promise<Readonly<Record<string, ListenerStats>> | undefined> {
    try {
      return await this.askCounters?.();
    } catch {
      return undefined;
    }
  }

  /** Renders from the configuration at the store's latest revision with the statuses of this read (amphorae). */
  withStatuses<T>(render: (view: ConfigView, statuses: StatusLookup) => T): Promise<T> {
    return this.rendered((_relations, statuses) => render(this.mirror, statuses));
  }

  /** Renders with the mirror at least at `revision` (else at the store's latest) and the statuses of the runtime view now. */
  private async rendered<T>(render: (relations: Relations, statuses: StatusRollup) => T, revision?: number): Promise<T> {
    if (revision === undefined || this.mirror.revision < revision) await this.mirror.refresh();
    return render(new Relations(this.mirror), new StatusRollup(this.mirror, this.runtime));
  }
}
