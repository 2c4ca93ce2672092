// Sends snapshots to the workers: every apply to every started worker (in order per worker, as
// deltas after the first: snapshot-delta.ts), the latest one to a worker that (re)starts, and the
// UDP listeners' owners, which move when a worker comes or goes (udp-ownership.ts). It keeps what
// each worker last reported, so that a move's outcome (a bind error of the new owner, or one that
// went away with the old) reaches the runtime view as one complete report.

import type { ApplyReport, Snapshot } from '../../snapshot/snapshot.js';
import type { DataPlaneLogger } from '../observe/logger.js';
import { mergeApplyReports } from './aggregate.js';
import { DeltaEncoder } from './snapshot-delta.js';
import { assignUdpOwners, sameOwners, type UdpOwners } from './udp-ownership.js';
import { WorkerGoneError, WorkerTimeoutError } from './worker-channel.js';
import type { StartedWorker, WorkerSet } from './worker-supervisor.js';

export class SnapshotFanout {
  /** The snapshot every worker should run: a worker that starts gets it. */
  latest: Snapshot | undefined;
  private udpOwners: UdpOwners = {};
  /** Each worker slot's report on the snapshot it runs (an apply's, a catch-up's or a UDP move's). */
  private readonly reports = new Map<number, ApplyReport>();
  private readonly deltas = new DeltaEncoder();

  constructor(
    private readonly workers: WorkerSet,
    /** A worker that takes longer to apply a snapshot is taken as hung: killed (and restarted). */
    private readonly applyTimeoutMs: number,
    private readonly logger: DataPlaneLogger,
  ) {}

  /** Every started worker applies the snapshot; one that exits meanwhile is left out (it gets it when it restarts). */
  async applyToAll(snapshot: Snapshot): Promise<ApplyReport> {
    this.latest = snapshot;
    const targets = this.workers.started();
    if (targets.length === 0) throw new Error('no data plane worker is running; they will apply this revision when they start');
    this.udpOwners = assignUdpOwners(snapshot, this.workers.slots.length, this.liveSlots());
    const results = await Promise.allSettled(targets.map((worker) => this.applyOrKill(worker, snapshot)));
    const reports: ApplyReport[] = [];
    for (const result of results) {
      if (result.status === 'fulfilled') reports.push(result.value);
      else if (!(result.reason instanceof WorkerGoneError)) throw result.reason;
    }
    return mergeApplyReports(snapshot.revision, reports);
  }

  /**
   * The latest snapshot and what every started worker reported on it, merged; undefined while one
   * of them has not reported on it yet (an apply or a catch-up under way: its own report follows).
   */
  completeReport(): { snapshot: Snapshot; report: ApplyReport } | undefined {
    const snapshot = this.latest;
    if (!snapshot) return undefined;
    const reports: ApplyReport[] = [];
    for (const { slot } of this.workers.started()) {
      const report = this.reports.get(slot.index);
      if (report?.revision !== snapshot.revision) return undefined;
      reports.push(report);
    }
    return reports.length === 0 ? undefined : { snapshot, report: mergeApplyReports(snapshot.revision, reports) };
  }

  /** What the worker in `slotIndex` last reported on the snapshot it runs; undefined before its first apply or after it exited. */
  reportOf(slotIndex: number): ApplyReport | undefined {
    return this.reports.get(slotIndex);
  }

  /** A worker exited: what it reported (its UDP listeners' errors among them) no longer holds. */
  forget(slotIndex: number): void {
    this.reports.delete(slotIndex);
  }

  /** A worker that just started gets the latest snapshot. Resolves whether it runs it. */
  async catchUp(worker: StartedWorker): Promise<boolean> {
    try {
      if (this.latest) await this.applyOrKill(worker, this.latest);
      return true;
    } catch (error) {
      if (!(error instanceof WorkerGoneError)) {
        this.logger.error({ slot: worker.slot.index, pid: worker.channel.pid, error: String(error) }, 'data plane worker failed to apply the latest snapshot');
      }
      return false;
    }
  }

  /**
   * UDP listeners move to a live worker when theirs exits, and back when it returns. Resolves once
   * every started worker answered (never rejects); their reports are kept (completeReport()).
   */
  async reassignUdp(): Promise<void> {
    if (!this.latest) return;
    const next = assignUdpOwners(this.latest, this.workers.slots.length, this.liveSlots());
    if (sameOwners(next, this.udpOwners)) return;
    this.udpOwners = next;
    await Promise.all(
      this.workers.started().map(async ({ slot, channel }) => {
        try {
          // null: a worker that holds no snapshot yet (it is catching up, and reports then).
          const report = await channel.assign(next);
          if (report) this.reports.set(slot.index, report);
        } catch (error) {
          if (!(error instanceof WorkerGoneError)) this.logger.error({ slot: slot.index, pid: channel.pid, error: String(error) }, 'data plane worker failed to take new UDP listener owners');
        }
      }),
    );
  }

  private liveSlots(): Set<number> {
    return new Set(this.workers.started().map(({ slot }) => slot.index));
  }

  /** A hung worker serves nobody well: it is killed, and its replacement gets the latest snapshot. */
  private async applyOrKill({ slot, channel }: StartedWorker, snapshot: Snapshot): Promise<ApplyReport> {
    try {
      const report = await channel.apply(snapshot, this.deltas, this.udpOwners, this.applyTimeoutMs);
      this.reports.set(slot.index, report);
      return report;
    } catch (error) {
      if (!(error instanceof WorkerTimeoutError)) throw error;
      this.logger.error({ slot: slot.index, pid: channel.pid, revision: snapshot.revision, timeout_ms: this.applyTimeoutMs }, 'data plane worker hung applying a snapshot; killing it');
      channel.worker.process.kill('SIGKILL');
      throw new WorkerGoneError(channel.pid);
    }
  }
}
