// Turns store revisions into applied snapshots: one at a time, in order, and never the same
// revision twice (a local change is announced both by the control plane and by store.onChange).
import type { Store, StoreContents } from '../store/store.js';
import type { ApplyReport, Snapshot, SnapshotApplier } from '../snapshot/snapshot.js';

export class SnapshotPublisher {
  #last: ApplyReport | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly applier: SnapshotApplier,
    private readonly build: (contents: StoreContents) => Snapshot,
  ) {}

  /** Applies the store's current contents unless a revision at least as new is applied already. */
  publish(): Promise<ApplyReport> {
    const run = this.#queue.then(() => this.#applyLatest());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #applyLatest(): Promise<ApplyReport> {
    const contents = await this.store.readAll();
    if (this.#last !== undefined && this.#last.revision >= contents.revision) return this.#last;
    const report = await this.applier.apply(this.build(contents));
    this.#last = report;
    return report;
  }
}
