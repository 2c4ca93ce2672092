// Store.onChange's fan-out. Revisions reach listeners once each and in increasing order: a
// PostgreSQL node hears its own NOTIFY after its local commit, and polling may report a
// revision a notification already did, so anything not newer than the last one is dropped.

export type ChangeListener = (revision: number) => void;

export class ChangeNotifier {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private lastRevision: number) {}

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(revision: number): void {
    if (revision <= this.lastRevision) return;
    this.lastRevision = revision;
    for (const listener of [...this.listeners]) {
      try {
        listener(revision);
      } catch (error) {
        // A broken listener must not stop the others nor fail the commit that already happened.
        process.emitWarning(`store onChange listener threw: ${String(error)}`, 'ElbowStoreWarning');
      }
    }
  }
}
