// What workers tell each other through the primary: the probing worker's member health verdicts
// (the others mirror them, and a worker that starts gets the current ones) and sticky bindings
// (sessions/sticky-sync.ts), so a client lands on the same member whichever worker accepts it.

import type { Snapshot } from '../../snapshot/snapshot.js';
import type { StickyBinding } from '../sessions/sticky-sync.js';
import { pruneMemberHealth } from './aggregate.js';
import type { MemberHealth } from './messages.js';
import type { StartedWorker, WorkerSet, WorkerSlot } from './worker-supervisor.js';

export class WorkerRelay {
  /** The probing worker's latest verdict per member. */
  private readonly memberHealth: Record<string, string> = {};

  constructor(private readonly workers: WorkerSet) {}

  /** Verdicts count only from the prober; every other started worker mirrors them. */
  relayHealth(from: WorkerSlot, states: MemberHealth): void {
    if (!from.probes) return;
    Object.assign(this.memberHealth, states);
    for (const { slot, channel } of this.workers.started()) if (!slot.probes) channel.send({ kind: 'elbow:member-health', states });
  }

  /** The probing worker's latest verdict on a member; undefined before its first probe. */
  verdict(memberId: string): string | undefined {
    return this.memberHealth[memberId];
  }

  relaySticky(from: WorkerSlot, bindings: readonly StickyBinding[]): void {
    for (const { slot, channel } of this.workers.started()) if (slot !== from) channel.send({ kind: 'elbow:sticky', bindings });
  }

  /** A worker that just started learns the current verdicts (the prober makes its own). */
  catchUp({ slot, channel }: StartedWorker): void {
    if (!slot.probes) channel.send({ kind: 'elbow:member-health', states: { ...this.memberHealth } });
  }

  /** Verdicts on members the snapshot no longer has are forgotten. */
  forgetRemoved(snapshot: Snapshot): void {
    pruneMemberHealth(this.memberHealth, snapshot);
  }
}
