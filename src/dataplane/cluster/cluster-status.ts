// The one truth about N workers: their counters and metrics merged (aggregate.ts,
// prometheus-merge.ts), counters of workers that exited kept so totals never go backwards, and
// the workers' own states for operators. Statuses the API shows are not asked here: the primary
// reports them into the runtime view (cluster-runtime.ts).

import type { ApplyReport, DataPlaneStats, ListenerStats, Snapshot } from '../../snapshot/snapshot.js';
import { addListenerStats, mergeStats, retiredStats } from './aggregate.js';
import type { MemberHealth } from './messages.js';
import { mergePrometheusText } from '../../util/prometheus-merge.js';
import type { WorkerChannel } from './worker-channel.js';
import type { WorkerSet, WorkerSlot } from './worker-supervisor.js';

/** Member health families every worker reports alike (mirrored from the probing worker). */
const isHealthFamily = (family: string): boolean => /member.*(up|health|status|state)/.test(family);

export interface WorkerInfo {
  readonly slot: number;
  readonly pid: number | undefined;
  /** Started and running the latest snapshot it was sent. */
  readonly ready: boolean;
  readonly restarts: number;
  /** This worker's own counters (its connections only); undefined when it did not answer. */
  readonly stats: DataPlaneStats | undefined;
  /** This worker's own member statuses (a mirror's follow the probing worker); undefined when it did not answer. */
  readonly members: MemberHealth | undefined;
  /** Listener errors of this worker's last apply (a UDP listener's only in the worker that owns it); undefined before it applied. */
  readonly listenerErrors: Readonly<Record<string, string>> | undefined;
}

export class ClusterStatus {
  /** Counters of exited workers, by listener. */
  private readonly retired: Record<string, ListenerStats> = {};

  constructor(
    private readonly workers: WorkerSet,
    /** Longest wait for one worker's stats, members or metrics; a slower worker is left out. */
    private readonly queryTimeoutMs: number,
    /** What the worker in a slot last reported on the snapshot it runs (snapshot-fanout.ts). */
    private readonly reportOf: (slotIndex: number) => ApplyReport | undefined,
  ) {}

  async stats(): Promise<DataPlaneStats> {
    const answers = await this.collectStats();
    return mergeStats(answers.map(({ value }) => value), this.retired);
  }

  async metrics(): Promise<string> {
    const answers = await this.queryReady((channel) => channel.request({ op: 'metrics' }, this.queryTimeoutMs));
    // The probing worker first, so that health families come from it.
    answers.sort((a, b) => a.slot.index - b.slot.index);
    const merged = mergePrometheusText(answers.map(({ value }) => value), { notSummed: isHealthFamily });
    return merged + clusterMetrics(this.workers.slots);
  }

  async workerInfo(): Promise<WorkerInfo[]> {
    const [stats, members] = await Promise.all([
      this.collectStats(),
      this.queryReady((channel) => channel.request({ op: 'members' }, this.queryTimeoutMs)),
    ]);
    return this.workers.slots.map((slot) => ({
      slot: slot.index,
      pid: slot.channel?.pid,
      ready: slot.ready,
      restarts: slot.restarts,
      stats: stats.find((answer) => answer.slot === slot)?.value,
      members: members.find((answer) => answer.slot === slot)?.value,
      listenerErrors: this.reportOf(slot.index)?.listenerErrors,
    }));
  }

  /** A worker exited: the counters it last reported stay in the totals. */
  retire(slot: WorkerSlot): void {
    if (!slot.lastStats) return;
    for (const [id, stats] of Object.entries(slot.lastStats.listeners)) addListenerStats(this.retired, { [id]: retiredStats(stats) });
    slot.lastStats = undefined;
  }

  /** Counters of listeners the snapshot no longer has are forgotten. */
  forgetRemoved(snapshot: Snapshot): void {
    const listeners = new Set(snapshot.listeners.map((listener) => listener.id));
    for (const id of Object.keys(this.retired)) if (!listeners.has(id)) delete this.retired[id];
  }

  private async collectStats(): Promise<{ slot: WorkerSlot; value: DataPlaneStats }[]> {
    const answers = await this.queryReady((channel) => channel.request({ op: 'stats' }, this.queryTimeoutMs));
    for (const { slot, value } of answers) slot.lastStats = value;
    return answers;
  }

  /** Asks every ready worker; those that exit or time out meanwhile are left out. */
  private async queryReady<T>(ask: (channel: WorkerChannel) => Promise<T>): Promise<{ slot: WorkerSlot; value: T }[]> {
    const asked = this.workers.ready();
    const results = await Promise.allSettled(asked.map(({ channel }) => ask(channel)));
    return results.flatMap((result, i) => {
      const slot = asked[i]?.slot;
      return result.status === 'fulfilled' && slot ? [{ slot, value: result.value }] : [];
    });
  }
}

function clusterMetrics(slots: readonly WorkerSlot[]): string {
  const ready = slots.filter((slot) => slot.ready).length;
  const restarts = slots.reduce((sum, slot) => sum + slot.restarts, 0);
  return [
    '# HELP elbow_dataplane_workers Data plane worker processes by state.',
    '# TYPE elbow_dataplane_workers gauge',
    `elbow_dataplane_workers{state="ready"} ${ready}`,
    `elbow_dataplane_workers{state="not_ready"} ${slots.length - ready}`,
    '# HELP elbow_dataplane_worker_restarts_total Data plane workers restarted after they exited.',
    '# TYPE elbow_dataplane_worker_restarts_total counter',
    `elbow_dataplane_worker_restarts_total ${restarts}`,
    '',
  ].join('\n');
}
