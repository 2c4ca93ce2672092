// The seam where placement happens: every snapshot is cut down to what this node serves
// (snapshot/placement.ts) before the engine behind it sees it, whichever engine that is. What
// was applied is handed on, for the VIPs keepalived holds.

import { placeSnapshot } from '../../snapshot/placement.js';
import type { ApplyReport, DataPlaneStats, Snapshot, SnapshotApplier } from '../../snapshot/snapshot.js';

export class PlacedApplier implements SnapshotApplier {
  private readonly appliedListeners = new Set<(placed: Snapshot) => void>();
  #lastPlaced: Snapshot | undefined;

  constructor(
    private readonly engine: SnapshotApplier,
    /** This node's availability zone; null: bound to none, it serves every load balancer. */
    readonly zone: string | null,
  ) {}

  async apply(snapshot: Snapshot): Promise<ApplyReport> {
    const placed = placeSnapshot(snapshot, this.zone);
    const report = await this.engine.apply(placed);
    this.#lastPlaced = placed;
    for (const listener of this.appliedListeners) listener(placed);
    return report;
  }

  /** The placed snapshot the engine applied last. */
  get lastPlaced(): Snapshot | undefined {
    return this.#lastPlaced;
  }

  /** Called with each placed snapshot once the engine applied it. */
  onApplied(listener: (placed: Snapshot) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  stats(): Promise<DataPlaneStats> {
    return this.engine.stats();
  }

  metrics(): Promise<string> {
    return this.engine.metrics();
  }
}
