// Turns store revisions into applied snapshots: one at a time, in order, and never the same
// revision twice (a local change is announced both by the control plane and by store.onChange).
// The configuration mirror follows the store by its change log and the snapshot is built from it
// incrementally, so a revision costs what it changed.
import type { ConfigMirror } from '../store/config-mirror.js';
import type { ApplyReport, Snapshot, SnapshotApplier } from '../snapshot/snapshot.js';
import { SerialQueue } from '../util/serial-queue.js';

export class SnapshotPublisher {
  #last: ApplyReport | undefined;
  readonly #queue = new SerialQueue();

  constructor(
    private readonly config: Pick<ConfigMirror, 'sync' | 'revision'>,
    private readonly applier: SnapshotApplier,
    private readonly builder: { build(): Snapshot; rebuildLoadBalancer(id: string): void },
  ) {}

  /** The report of the last apply, if any. */
  get last(): ApplyReport | undefined {
    return this.#last;
  }

  /** Applies the store's current contents unless a revision at least as new is applied already. */
  publish(): Promise<ApplyReport> {
    return this.#queue.run(() => this.#applyLatest());
  }

  /**
   * Failover of one load balancer: the store's latest revision, with that load balancer's
   * listeners and pools built afresh, applied even when the revision is applied already.
   */
  reapply(loadBalancerId: string): Promise<ApplyReport> {
    return this.#queue.run(async () => {
      await this.config.sync();
      this.builder.rebuildLoadBalancer(loadBalancerId);
      const report = await this.applier.apply(this.builder.build());
      this.#last = report;
      return report;
    });
  }

  async #applyLatest(): Promise<ApplyReport> {
    await this.config.sync();
    if (this.#last !== undefined && this.#last.revision >= this.config.revision) return this.#last;
    const report = await this.applier.apply(this.builder.build());
    this.#last = report;
    return report;
  }
}
