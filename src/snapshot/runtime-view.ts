// What the data plane runs, as the API shows it (Traefik's runtime configuration): the applied
// revision, the listeners that could not be served and why, every member's status. Engines push
// into it as things happen (each apply's outcome, each member health transition); the control
// plane reads it synchronously, so an answer never waits on the data plane nor shows a stale cache.
//
// Each engine writes its own part (the haproxy engine's UDP half is a second part), and a part's
// revision decides what is newer: a reading taken at an older revision than the part's last apply
// is dropped, whenever it arrives. Wall-clock time plays no part.

/** Member id → ONLINE | ERROR | NO_MONITOR | OFFLINE | DRAINING. */
export type MemberStatuses = Readonly<Record<string, string>>;

/** What an engine reports once a revision serves. */
export interface RuntimeReport {
  readonly revision: number;
  /** Listeners that could not be served, with the reason (e.g. EADDRINUSE). */
  readonly listenerErrors: Readonly<Record<string, string>>;
  /**
   * Every member's status at this revision; with `removedMembers`, only the statuses that may have
   * changed since this part's previous report (an engine at 10,000 members reports what it touched).
   */
  readonly members: MemberStatuses;
  /** Set when `members` is incremental: the members gone since this part's previous report. */
  readonly removedMembers?: readonly string[];
}

/** The writing side of one part, handed to an engine. */
export interface RuntimeReporter {
  /** An apply's outcome; one older than the part's last apply is ignored. */
  applied(report: RuntimeReport): void;
  /**
   * Member statuses seen while running `revision`: those that changed, or every member when
   * `complete` (the others are gone). Ignored when an apply newer than `revision` was reported.
   */
  members(revision: number, statuses: MemberStatuses, complete?: boolean): void;
}

/** A member's status changed (from is null the first time it is seen). */
export interface MemberChange {
  readonly memberId: string;
  readonly from: string | null;
  readonly to: string;
}

interface Part {
  revision: number;
  listenerErrors: Readonly<Record<string, string>>;
  members: Map<string, string>;
}

export class RuntimeView {
  private readonly parts = new Map<string, Part>();
  private readonly watchers = new Set<(change: MemberChange) => void>();

  /** The writer of the part `name` (one per engine; asking twice gives the same part). */
  part(name: string): RuntimeReporter {
    let part = this.parts.get(name);
    if (part === undefined) {
      part = { revision: 0, listenerErrors: {}, members: new Map() };
      this.parts.set(name, part);
    }
    const state = part;
    return {
      applied: (report) => {
        if (report.revision < state.revision) return;
        state.revision = report.revision;
        state.listenerErrors = report.listenerErrors;
        if (report.removedMembers === undefined) {
          this.setMembers(state, report.members, true);
        } else {
          for (const id of report.removedMembers) state.members.delete(id);
          this.setMembers(state, report.members, false);
        }
      },
      members: (revision, statuses, complete = false) => {
        if (revision < state.revision) return;
        this.setMembers(state, statuses, complete);
      },
    };
  }

  /** The revision every part runs (0 before each applied one). */
  get revision(): number {
    const revisions = [...this.parts.values()].map((part) => part.revision);
    return revisions.length === 0 ? 0 : Math.min(...revisions);
  }

  /** Why the listener cannot be served; undefined when it is (or is not known). */
  listenerError(listenerId: string): string | undefined {
    for (const part of this.parts.values()) {
      const error = part.listenerErrors[listenerId];
      if (error !== undefined) return error;
    }
    return undefined;
  }

  /** Every listener error of every part. */
  listenerErrors(): Record<string, string> {
    return Object.assign({}, ...[...this.parts.values()].map((part) => part.listenerErrors)) as Record<string, string>;
  }

  /** The member's status as its engine reports it; undefined when no engine runs it (yet). */
  memberStatus(memberId: string): string | undefined {
    for (const part of this.parts.values()) {
      const status = part.members.get(memberId);
      if (status !== undefined) return status;
    }
    return undefined;
  }

  /** Every member's status, of every part (a member two parts know: as memberStatus() has it). */
  memberStatuses(): Record<string, string> {
    const statuses: Record<string, string> = {};
    for (const part of [...this.parts.values()].reverse()) for (const [memberId, status] of part.members) statuses[memberId] = status;
    return statuses;
  }

  /** Calls `watcher` with every member status change from now on; returns the unsubscribe. */
  onMemberChange(watcher: (change: MemberChange) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private setMembers(part: Part, statuses: MemberStatuses, complete: boolean): void {
    if (complete) for (const id of part.members.keys()) if (!(id in statuses)) part.members.delete(id);
    for (const [memberId, to] of Object.entries(statuses)) {
      const from = part.members.get(memberId) ?? null;
      if (from === to) continue;
      part.members.set(memberId, to);
      for (const watcher of this.watchers) watcher({ memberId, from, to });
    }
  }
}
