// The listeners serving now and the reasons of those that cannot: a reconcile plan (reconcile.ts)
// is carried out here. New listeners open before removed ones close; a bind failure is reported
// per listener and the rest goes on; removed listeners drain in the background within drainMs.

import type { Snapshot, SnapshotListener } from '../snapshot/snapshot.js';
import type { ListenerContext, ListenerRegistry, ListenerRuntime } from './listener-runtime.js';
import type { DataPlaneLogger } from './observe/logger.js';
import type { ListenerPlan } from './reconcile.js';

interface Running {
  config: SnapshotListener;
  runtime: ListenerRuntime;
}

export class RunningListeners {
  private readonly running = new Map<string, Running>();
  /** Listener id → why it is not serving (bind failure, rejected configuration). */
  readonly errors = new Map<string, string>();
  private readonly draining = new Set<Promise<void>>();

  constructor(
    private readonly registry: ListenerRegistry,
    private readonly drainMs: number,
    private readonly logger: DataPlaneLogger,
    private readonly contextFor: (listener: SnapshotListener) => ListenerContext,
  ) {}

  /** The configuration each running listener runs. */
  configs(): Map<string, SnapshotListener> {
    return new Map([...this.running].map(([id, entry]) => [id, entry.config]));
  }

  async carryOut(plan: ListenerPlan): Promise<void> {
    for (const id of plan.closeFirst) this.closeInBackground(id);
    await Promise.all(plan.open.map((listener) => this.open(listener)));
    for (const listener of plan.update) this.update(listener);
    for (const id of plan.close) this.closeInBackground(id);
  }

  /** Errors of listeners that are gone or disabled go with them. */
  forgetErrors(snapshot: Snapshot): void {
    const wanted = new Set(snapshot.listeners.filter((l) => l.enabled).map((l) => l.id));
    for (const id of this.errors.keys()) if (!wanted.has(id)) this.errors.delete(id);
  }

  /** Closes every listener (open connections may finish within drainMs) and waits for the draining ones too. */
  async close(drainMs: number): Promise<void> {
    const closing = [...this.running.values()].map((entry) => entry.runtime.close(drainMs));
    this.running.clear();
    await Promise.allSettled([...closing, ...this.draining]);
  }

  private async open(listener: SnapshotListener): Promise<void> {
    try {
      const runtime = this.registry[listener.protocol](listener, this.contextFor(listener));
      await runtime.start();
      this.running.set(listener.id, { config: listener, runtime });
      this.errors.delete(listener.id);
      this.logger.info({ listener: listener.id, protocol: listener.protocol, address: `${listener.address}:${listener.port}` }, 'listener started');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.errors.set(listener.id, reason);
      this.logger.error({ listener: listener.id, error: reason }, 'listener could not start');
    }
  }

  private update(listener: SnapshotListener): void {
    const entry = this.running.get(listener.id);
    if (!entry) return;
    try {
      entry.runtime.update(listener, this.contextFor(listener));
      entry.config = listener;
      this.errors.delete(listener.id);
    } catch (error) {
      // The listener keeps serving its previous configuration; the reason is reported.
      const reason = error instanceof Error ? error.message : String(error);
      this.errors.set(listener.id, reason);
      this.logger.error({ listener: listener.id, error: reason }, 'listener could not take the new configuration');
    }
  }

  private closeInBackground(id: string): void {
    const entry = this.running.get(id);
    if (!entry) return;
    this.running.delete(id);
    const done = entry.runtime.close(this.drainMs).catch((error: Error) => this.logger.error({ listener: id, error: error.message }, 'listener close failed'));
    this.draining.add(done);
    void done.finally(() => this.draining.delete(done));
  }
}
