// The data plane's live state as the control plane reads it for statuses and stats. It comes from
// a status source passed in (the data plane's, wired by main), is asked at most `maxAgeMs` apart
// (concurrent reads share one question), and an apply newer than the last answer knows the
// listeners' errors better: its report's errors are used then.

import type { ApplyReport, LiveStatus } from '../snapshot/snapshot.js';

/** What a read may use: the live state asked at `askedAt` (null when no data plane answered). */
export interface LiveAnswer {
  readonly askedAt: number;
  readonly value: Promise<LiveStatus | null>;
}

export class LiveState {
  private lastListenerErrors: Readonly<Record<string, string>> = {};
  private lastAppliedAt = 0;
  private cached: LiveAnswer | undefined;

  constructor(
    private readonly source: (() => Promise<LiveStatus>) | undefined,
    private readonly maxAgeMs: number,
  ) {}

  /** The data plane applied a revision and reported these listener errors. */
  applied(report: ApplyReport): void {
    this.lastListenerErrors = report.listenerErrors;
    this.lastAppliedAt = performance.now();
  }

  /** Something was applied outside the revisions (a failover): the next read asks the data plane afresh. */
  forget(): void {
    this.cached = undefined;
    this.lastAppliedAt = 0;
  }

  /** The live state now, or null when the data plane cannot answer (statuses then stay as configured). */
  async ask(): Promise<LiveStatus | null> {
    if (!this.source) return null;
    try {
      return await this.source();
    } catch {
      return null;
    }
  }

  /** The live state asked since `since` and at most maxAgeMs ago. */
  recent(since: number): LiveAnswer {
    const now = performance.now();
    if (this.cached === undefined || this.cached.askedAt < since || now - this.cached.askedAt > this.maxAgeMs) {
      this.cached = { askedAt: now, value: this.ask() };
    }
    return this.cached;
  }

  /** The listener errors to show with an answer: the apply's when it came after the answer was asked. */
  listenerErrors(answer: LiveAnswer, status: LiveStatus | null): Readonly<Record<string, string>> {
    return status === null || this.lastAppliedAt > answer.askedAt ? this.lastListenerErrors : status.listenerErrors;
  }
}
