// Stand-in data plane that accepts every snapshot, used until src/dataplane's createDataPlane
// is wired in.
import type { ApplyReport, LiveStatus, Snapshot, SnapshotApplier } from '../snapshot/snapshot.js';

export function createNoopApplier(): SnapshotApplier & { close(): Promise<void> } {
  let revision = 0;
  return {
    async apply(snapshot: Snapshot): Promise<ApplyReport> {
      revision = snapshot.revision;
      return { revision, listenerErrors: {} };
    },
    async status(): Promise<LiveStatus> {
      return { revision, members: {}, listeners: {}, listenerErrors: {} };
    },
    async metrics(): Promise<string> {
      return '';
    },
    async close(): Promise<void> {},
  };
}
