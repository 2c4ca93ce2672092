// Member state changes as they happen (the console's timeline, the API's live stream): each
// change the runtime view reports (an engine's apply or health verdict) is remembered, with the
// time it was seen, in a bounded ring. It records whether anyone watches, so a change made while
// nobody watched is there when someone looks.

import type { MemberChange } from '../snapshot/runtime-view.js';

export interface MemberStateChange {
  /** Increases by one per change, for "everything after N" reads. */
  readonly seq: number;
  /** When the change was seen (ISO 8601). */
  readonly time: string;
  readonly member_id: string;
  /** null the first time the member is seen (it was just created, or elbow just started). */
  readonly from: string | null;
  readonly to: string;
}

/** Changes kept; older ones are dropped first. */
const DEFAULT_CAPACITY = 2000;

export class MemberTimeline {
  private readonly changes: MemberStateChange[] = [];
  private lastSeq = 0;

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** One change, as the runtime view reports it. */
  record(change: MemberChange, now = new Date()): void {
    this.changes.push({ seq: ++this.lastSeq, time: now.toISOString(), member_id: change.memberId, from: change.from, to: change.to });
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
