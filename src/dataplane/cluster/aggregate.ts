// Merging what N workers report into the one truth the API shows (pure functions).

import { sumListenerStats } from '../../snapshot/listener-stats.js';
import type { ApplyReport, DataPlaneStats, ListenerStats, Snapshot } from '../../snapshot/snapshot.js';

/** Every worker shares the same sockets, so a listener error in any worker is the listener's error. */
export function mergeApplyReports(revision: number, reports: readonly ApplyReport[]): ApplyReport {
  const listenerErrors: Record<string, string> = {};
  for (const report of reports) Object.assign(listenerErrors, report.listenerErrors);
  return { revision, listenerErrors };
}

/** The counters of a worker that exited, kept so totals never go backwards; nothing stays active. */
export function retiredStats(stats: ListenerStats): ListenerStats {
  return { ...stats, active_connections: 0 };
}

export function addListenerStats(
  into: Record<string, ListenerStats>,
  from: Readonly<Record<string, ListenerStats>>,
): void {
  for (const [id, stats] of Object.entries(from)) {
    const current = into[id];
    into[id] = current ? sumListenerStats(current, stats) : { ...stats };
  }
}

/**
 * Counters are summed; the revision is the oldest any worker runs, so it is true for all of them.
 * `retired` holds counters of exited workers, added only for listeners still configured.
 */
export function mergeStats(
  answers: readonly DataPlaneStats[],
  retired: Readonly<Record<string, ListenerStats>> = {},
): DataPlaneStats {
  const listeners: Record<string, ListenerStats> = {};
  for (const answer of answers) addListenerStats(listeners, answer.listeners);
  for (const [id, stats] of Object.entries(retired)) {
    const current = listeners[id];
    if (current) listeners[id] = sumListenerStats(current, stats);
  }
  const revision = answers.length === 0 ? 0 : Math.min(...answers.map((answer) => answer.revision));
  return { revision, listeners };
}

/** Forgets the health of members the snapshot no longer has. */
export function pruneMemberHealth(health: Record<string, string>, snapshot: Snapshot): void {
  const members = new Set(Object.values(snapshot.pools).flatMap((pool) => pool.members.map((member) => member.id)));
  for (const id of Object.keys(health)) if (!members.has(id)) delete health[id];
}
