// The one truth about N workers: their live status and metrics merged (aggregate.ts,
// prometheus-merge.ts), counters of workers that exited kept so totals never go backwards, and
// the workers' own states for operators.

import type { ListenerStats, LiveStatus, Snapshot } from '../../snapshot/snapshot.js';
import { addListenerStats, mergeLiveStatus, retiredStats } from './aggregate.js';
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
  /** This worker's own view (its connections only); undefined when it did not answer. */
  readonly status: LiveStatus | undefined;
}

export class ClusterStatus {
  /** Counters of exited workers, by listener. */
  private readonly retired: Record<string, ListenerStats> = {};

  constructor(
    private readonly workers: WorkerSet,
    /** Longest wait for one worker's status or metrics; a slower worker is left out. */
    private readonly queryTimeoutMs: number,
  ) {}

  async status(): Promise<LiveStatus> {
    const answers = await this.collectStatuses();
    const prober = answers.find(({ slot }) => slot.probes)?.value;
    return mergeLiveStatus(answers.map(({ value }) => value), prober, this.retired);
  }

  async metrics(): Promise<string> {
    const answers = await this.queryReady((channel) => channel.request({ op: 'metrics' }, this.queryTimeoutMs));
    // The probing worker first, so that health families come from it.
    answers.sort((a, b) => a.slot.index - b.slot.index);
    const merged = mergePrometheusText(answers.map(({ value }) => value), { notSummed: isHealthFamily });
    return merged + clusterMetrics(this.workers.slots);
  }

  async workerInfo(): Promise<WorkerInfo[]> {
    const answers = await this.collectStatuses();
    return this.workers.slots.map((slot) => ({
      slot: slot.index,
      pid: slot.channel?.pid,
      ready: slot.ready,
      restarts: slot.restarts,
      status: answers.find((answer) => answer.slot === slot)?.value,
    }));
  }

  /** A worker exited: the counters it last reported stay in the totals. */
  retire(slot: WorkerSlot): void {
    if (!slot.lastStatus) return;
    for (const [id, stats] of Object.entries(slot.lastStatus.listeners)) addListenerStats(this.retired, { [id]: retiredStats(stats) });
    slot.lastStatus = undefined;
  }

  /** Counters of listeners the snapshot no longer has are forgotten. */
  forgetRemoved(snapshot: Snapshot): void {
    const listeners = new Set(snapshot.listeners.map((listener) => listener.id));
    for (const id of Object.keys(this.retired)) if (!listeners.has(id)) delete this.retired[id];
  }

  private async collectStatuses(): Promise<{ slot: WorkerSlot; value: LiveStatus }[]> {
    const answers = await this.queryReady((channel) => channel.request({ op: 'status' }, this.queryTimeoutMs));
    for (const { slot, value } of answers) slot.lastStatus = value;
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
