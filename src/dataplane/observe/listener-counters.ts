// Every listener's counters (bytes, connections, errors, HTTP answers) and the Prometheus metrics
// built on them. Counters live by listener id across applies and go when the listener does.

import type { ListenerStats, Snapshot, SnapshotListener } from '../../snapshot/snapshot.js';
import type { MemberTable } from '../health/member-table.js';
import { ListenerStatsCounter } from './listener-stats.js';
import { DataPlaneMetrics } from './metrics.js';

export class ListenerCounters {
  private readonly counters = new Map<string, ListenerStatsCounter>();
  readonly metrics: DataPlaneMetrics;

  constructor(members: MemberTable) {
    this.metrics = new DataPlaneMetrics({ listeners: () => this.counters.entries(), members: () => members.all() });
  }

  /** The listener's counter, created on first use; it follows the listener to another load balancer. */
  of(listener: SnapshotListener): ListenerStatsCounter {
    let counter = this.counters.get(listener.id);
    if (!counter) {
      counter = new ListenerStatsCounter(listener.loadBalancerId, (_code, ms) => this.metrics.observeResponse(listener.id, ms));
      this.counters.set(listener.id, counter);
    }
    counter.loadBalancerId = listener.loadBalancerId;
    return counter;
  }

  /** Counters of listeners the snapshot no longer has go, with their metrics. */
  forgetRemoved(snapshot: Snapshot): void {
    const known = new Set(snapshot.listeners.map((l) => l.id));
    for (const id of this.counters.keys()) {
      if (known.has(id)) continue;
      this.counters.delete(id);
      this.metrics.forgetListener(id);
    }
  }

  /** A copy of every listener's counters. */
  all(): Record<string, ListenerStats> {
    return Object.fromEntries([...this.counters].map(([id, counter]) => [id, { ...counter.stats }]));
  }
}
