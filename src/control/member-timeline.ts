// Member state changes as they happen (the console's timeline, the API's live stream): the data
// plane's member statuses are sampled every few seconds and each change is remembered, with the
// time it was seen, in a bounded ring. Sampling is independent of viewers, so a change made while
// nobody watched is there when someone looks.

import type { LiveStatus } from '../snapshot/snapshot.js';

export interface MemberStateChange {
  /** Increases by one per change, for "everything after N" reads. */
  readonly seq: number;
  /** When the change was seen (ISO 8601); at most one sampling period after it happened. */
  readonly time: string;
  readonly member_id: string;
  /** null the first time the member is seen (it was just created, or elbow just started). */
  readonly from: string | null;
  readonly to: string;
}

/** Changes kept; older ones are dropped first. */
const DEFAULT_CAPACITY = 2000;

export class MemberTimeline {
  private readonly current = new Map<string, string>();
  private readonly changes: MemberStateChange[] = [];
  private lastSeq = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Compares a sample of every member's status with the last one and records the differences. */
  observe(members: Readonly<Record<string, string>>, now = new Date()): void {
    const time = now.toISOString();
    for (const [memberId, status] of Object.entries(members)) {
      const before = this.current.get(memberId);
      if (before === status) continue;
      this.current.set(memberId, status);
      this.changes.push({ seq: ++this.lastSeq, time, member_id: memberId, from: before ?? null, to: status });
    }
    // Members that left the configuration are forgotten; their past changes stay in the ring.
    if (this.current.size > Object.keys(members).length) {
      for (const memberId of this.current.keys()) if (!(memberId in members)) this.current.delete(memberId);
    }
    if (this.changes.length > this.capacity) this.changes.splice(0, this.changes.length - this.capacity);
  }

  /** Changes after `seq` (0: all kept), oldest first, optionally only those of some members. */
  since(seq: number, memberIds?: ReadonlySet<string>): MemberStateChange[] {
    return this.changes.filter((change) => change.seq > seq && (memberIds === undefined || memberIds.has(change.member_id)));
  }

  /** The sequence number of the newest change (0 before any). */
  get latestSeq(): number {
    return this.lastSeq;
  }
}

/**
 * Samples the data plane's live state into the timeline every `periodMs` until stopped. One
 * sample at a time; a failed read is skipped (the next one catches up).
 */
export function sampleMemberStates(read: () => Promise<LiveStatus>, timeline: MemberTimeline, periodMs: number): () => void {
  let busy = false;
  const sample = () => {
    if (busy) return;
    busy = true;
    read()
      .then((live) => timeline.observe(live.members))
      .catch(() => undefined)
      .finally(() => (busy = false));
  };
  sample();
  const timer = setInterval(sample, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
