// Snapshots built from a ConfigMirror at the cost of what changed: the listener and pool parts of
// the previous snapshot are kept, and only those a change touches are built again (with the same
// functions as buildSnapshot, so the result is the same). Unchanged parts stay the very same
// objects, which lets the cluster delta and the data plane's reconcile skip them by identity.
//
// What a change touches: a listener → itself and the listeners whose policies redirect to it; a
// load balancer → its listeners; a pool → itself and the listeners that send to it (whether their
// reference resolves depends on it); a member or
// health monitor → its pool; a policy → its listener; a rule → its policy's listener. Certificates,
// ip groups, flavors and flavor profiles are rare and shared by many: a change to one rebuilds
// everything. Quotas and availability zones touch nothing.

import type { HealthMonitor, L7Policy, L7Rule, Listener, Member, Pool } from '../model/types.js';
import type { ChangeBatch, ConfigMirror, ConfigView } from '../store/config-mirror.js';
import { profileDefaults, referencedPoolIds, snapshotListener, snapshotPool, type SnapshotSources } from './build-snapshot.js';
import type { Snapshot, SnapshotListener, SnapshotPool } from './snapshot.js';

/** SnapshotSources over the mirror's indexes: each lookup costs the size of its answer. */
export function sourcesOfView(view: ConfigView): SnapshotSources {
  const loadBalancer = (id: string) => view.get('loadbalancer', id);
  return {
    loadBalancer,
    listener: (id) => {
      const listener = view.get('listener', id);
      return listener && loadBalancer(listener.loadbalancer_id) ? listener : undefined;
    },
    pool: (id) => view.get('pool', id),
    certificate: (id) => view.get('certificate', id),
    ipGroup: (id) => view.get('ipgroup', id),
    monitor: (id) => view.get('healthmonitor', id),
    monitorsOfPool: (id) => view.children('monitorsByPool', id),
    membersOfPool: (id) => view.children('membersByPool', id),
    policiesOfListener: (id) => view.children('policiesByListener', id).filter((p) => p.admin_state_up),
    rulesOfPolicy: (id) => view.children('rulesByPolicy', id).filter((r) => r.admin_state_up),
    flavorDefaults: (id) => profileDefaults(view.get('flavorprofile', view.get('flavor', id)?.flavor_profile_id ?? '')),
  };
}

export class IncrementalSnapshotBuilder {
  private readonly sources: SnapshotSources;
  /** Every live listener's part, by id. */
  private readonly listeners = new Map<string, SnapshotListener>();
  /** Parts of referenced pools built so far, by id. */
  private readonly pools = new Map<string, SnapshotPool>();
  private everything = true;
  private readonly dirty = {
    listeners: new Set<string>(),
    redirectTargets: new Set<string>(),
    loadBalancers: new Set<string>(),
    pools: new Set<string>(),
    /** Pools whose own row changed: listeners' references to them may resolve differently. */
    poolRows: new Set<string>(),
    policies: new Set<string>(),
  };

  constructor(private readonly view: ConfigView & Pick<ConfigMirror, 'onChanges'>) {
    this.sources = sourcesOfView(view);
    view.onChanges((batch) => this.mark(batch));
  }

  /** The snapshot of the view's current revision. */
  build(): Snapshot {
    if (this.everything) {
      this.listeners.clear();
      this.pools.clear();
      for (const listener of this.view.list('listener')) this.rebuildListener(listener.id);
    } else {
      for (const id of this.touchedListeners()) this.rebuildListener(id);
      for (const id of this.dirty.pools) this.pools.delete(id);
    }
    this.everything = false;
    for (const set of Object.values(this.dirty)) set.clear();

    const listeners: SnapshotListener[] = [];
    for (const listener of this.view.list('listener')) {
      const part = this.listeners.get(listener.id);
      if (part !== undefined) listeners.push(part);
    }
    const referenced = referencedPoolIds(listeners);
    const pools: Record<string, SnapshotPool> = {};
    for (const id of referenced) {
      let part = this.pools.get(id);
      if (part === undefined) {
        part = snapshotPool(this.sources.pool(id) as Pool, this.sources);
        this.pools.set(id, part);
      }
      pools[id] = part;
    }
    for (const id of this.pools.keys()) if (!referenced.has(id)) this.pools.delete(id);
    return { revision: this.view.revision, listeners, pools };
  }

  /**
   * Builds a load balancer's listeners and pools afresh at the next build, from the view as it is
   * then (failover): new parts, so the data plane takes them again.
   */
  rebuildLoadBalancer(id: string): void {
    this.dirty.loadBalancers.add(id);
    for (const pool of this.view.children('poolsByLb', id)) this.dirty.pools.add(pool.id);
  }

  private mark(batch: ChangeBatch): void {
    if (batch.complete) this.everything = true;
    for (const change of batch.changes) {
      for (const resource of [change.before, change.after]) {
        if (resource === undefined) continue;
        switch (change.kind) {
          case 'loadbalancer':
            this.dirty.loadBalancers.add(change.id);
            break;
          case 'listener':
            this.dirty.listeners.add(change.id);
            break;
          case 'pool':
            this.dirty.pools.add(change.id);
            this.dirty.poolRows.add(change.id);
            break;
          case 'member':
            this.dirty.pools.add((resource as Member).pool_id);
            break;
          case 'healthmonitor':
            this.dirty.pools.add((resource as HealthMonitor).pool_id);
            break;
          case 'l7policy':
            this.dirty.listeners.add((resource as L7Policy).listener_id);
            break;
          case 'l7rule':
            this.dirty.policies.add((resource as L7Rule).l7policy_id);
            break;
          // A flavor in use cannot change what it gives (its profile is fixed while used): rare too.
          case 'certificate':
          case 'ipgroup':
          case 'flavor':
          case 'flavorprofile':
            this.everything = true;
            break;
          case 'quota':
          case 'availabilityzone':
          case 'availabilityzoneprofile':
            // Control-plane settings: nothing of the snapshot depends on them.
            break;
        }
      }
    }
  }

  /** The listeners whose part may differ, found through the view as it is now. */
  private touchedListeners(): Set<string> {
    const touched = new Set(this.dirty.listeners);
    for (const id of this.dirty.loadBalancers) for (const listener of this.view.children('listenersByLb', id)) touched.add(listener.id);
    for (const id of this.dirty.policies) {
      const policy = this.view.get('l7policy', id);
      if (policy !== undefined) touched.add(policy.listener_id);
    }
    for (const id of this.dirty.poolRows) {
      // A pool coming or going changes whether listeners' references to it resolve.
      for (const listener of this.view.children('listenersByDefaultPool', id)) touched.add(listener.id);
      for (const policy of this.view.children('policiesByRedirectPool', id)) touched.add(policy.listener_id);
    }
    // A policy redirecting to a listener shows the target's protocol and port.
    for (const id of [...touched]) for (const policy of this.view.children('policiesByRedirectListener', id)) touched.add(policy.listener_id);
    return touched;
  }

  private rebuildListener(id: string): void {
    const listener: Listener | undefined = this.sources.listener(id);
    if (listener === undefined) this.listeners.delete(id);
    else this.listeners.set(id, snapshotListener(listener, this.sources));
  }
}
