// `elbow serve --engine haproxy`: one snapshot, two engines. HAProxy does not carry UDP, so each
// snapshot is cut by listener transport: UDP listeners go to the Node data plane, everything else
// to HAProxy, each with the pools its listeners use. Reports, counters and metrics come back
// merged, so that API and CLI users see one load balancer; each half reports its statuses into
// its own part of the one runtime view (wired in serve/data-plane-engine.ts).

import type { ApplyReport, DataPlaneStats, Snapshot, SnapshotApplier, SnapshotListener } from '../snapshot/snapshot.js';
import { mergePrometheusText } from '../util/prometheus-merge.js';

/** An engine that can be closed, draining its connections within a bound. */
export type ClosableApplier = SnapshotApplier & { close(drainMs?: number): Promise<void> };

/** The part of `snapshot` holding the listeners `keep` selects and the pools they (and their policies) use. */
export function cutSnapshot(snapshot: Snapshot, keep: (listener: SnapshotListener) => boolean): Snapshot {
  const listeners = snapshot.listeners.filter(keep);
  const used = new Set<string>();
  for (const listener of listeners) {
    if (listener.defaultPoolId !== null) used.add(listener.defaultPoolId);
    for (const policy of listener.policies) if (policy.redirectPoolId !== null) used.add(policy.redirectPoolId);
  }
  const pools = Object.fromEntries(Object.entries(snapshot.pools).filter(([id]) => used.has(id)));
  return { ...snapshot, listeners, pools };
}

export const isUdp = (listener: SnapshotListener): boolean => listener.transport === 'udp';

/** Reports of the two halves of one snapshot as one: the older revision (both must have it), every listener error. */
export function mergeReports(a: ApplyReport, b: ApplyReport): ApplyReport {
  return { revision: Math.min(a.revision, b.revision), listenerErrors: { ...a.listenerErrors, ...b.listenerErrors } };
}

/** Counters of the two halves as one: the older revision, every listener's counters (each listener is in one half). */
export function mergeStats(a: DataPlaneStats, b: DataPlaneStats): DataPlaneStats {
  return { revision: Math.min(a.revision, b.revision), listeners: merged(a.listeners, b.listeners) };
}

/** Both records as one; when one is empty (often: no UDP listener), the other as it is, not a copy of thousands of listeners. */
function merged<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): Readonly<Record<string, T>> {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  return { ...a, ...b };
}

function isEmpty(record: object): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return false;
  return true;
}

/** Member health is one truth per member, not a count: never summed. */
export function mergeMetrics(a: string, b: string): string {
  return mergePrometheusText([a, b], { notSummed: (family) => family === 'elbow_member_up' });
}

export class SplitApplier implements SnapshotApplier {
  constructor(
    /** Serves the UDP listeners (the Node data plane). */
    private readonly udp: ClosableApplier,
    /** Serves every other listener (HAProxy). */
    private readonly rest: ClosableApplier,
  ) {}

  async apply(snapshot: Snapshot): Promise<ApplyReport> {
    const [udp, rest] = await Promise.all([this.udp.apply(cutSnapshot(snapshot, isUdp)), this.rest.apply(cutSnapshot(snapshot, (listener) => !isUdp(listener)))]);
    return mergeReports(udp, rest);
  }

  async stats(): Promise<DataPlaneStats> {
    const [udp, rest] = await Promise.all([this.udp.stats(), this.rest.stats()]);
    return mergeStats(udp, rest);
  }

  async metrics(): Promise<string> {
    const [udp, rest] = await Promise.all([this.udp.metrics(), this.rest.metrics()]);
    return mergeMetrics(udp, rest);
  }

  async close(drainMs?: number): Promise<void> {
    await Promise.all([this.udp.close(drainMs), this.rest.close(drainMs)]);
  }
}
