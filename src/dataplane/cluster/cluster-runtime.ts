// The workers' report into the runtime view, made by the primary: it knows each snapshot it sent
// and the probing worker's health verdicts (they pass through it to the other workers), which is
// all a member's status needs (snapshot/member-status.ts). Listener errors come from the workers'
// merged apply reports.

import { memberOperatingStatus } from '../../snapshot/member-status.js';
import { moved } from '../health/member-table.js';
import type { RuntimeReporter } from '../../snapshot/runtime-view.js';
import type { ApplyReport, Snapshot, SnapshotMember } from '../../snapshot/snapshot.js';
import type { MemberHealth } from './messages.js';

export class ClusterRuntime {
  /** The members of the snapshot applied last, with whether a monitor watches them. */
  private members = new Map<string, { readonly member: SnapshotMember; readonly monitored: boolean }>();
  private revision = 0;
  /**
   * Members that moved (another address, port or probe target) since the prober's last verdict on
   * them: the prober forgot their health (member-table.ts), so its old verdict is not theirs.
   */
  private readonly moved = new Set<string>();

  constructor(
    private readonly reporter: RuntimeReporter | undefined,
    /** The probing worker's latest verdict on a member (ONLINE | ERROR); undefined before its first probe. */
    private readonly verdict: (memberId: string) => string | undefined,
  ) {}

  /** Every worker applied `snapshot`. */
  applied(snapshot: Snapshot, report: ApplyReport): void {
    if (this.reporter === undefined) return;
    const previous = this.members;
    this.members = new Map(Object.values(snapshot.pools).flatMap((pool) => pool.members.map((member) => [member.id, { member, monitored: pool.healthMonitor !== null }] as const)));
    for (const [id, { member }] of this.members) {
      const before = previous.get(id)?.member;
      if (before !== undefined && moved(before, member)) this.moved.add(id);
    }
    for (const id of this.moved) if (!this.members.has(id)) this.moved.delete(id);
    this.revision = report.revision;
    const members: Record<string, string> = {};
    for (const id of this.members.keys()) members[id] = this.status(id) as string;
    this.reporter.applied({ ...report, members });
  }

  /** The probing worker decided these members' health. */
  decided(states: MemberHealth): void {
    if (this.reporter === undefined) return;
    const members: Record<string, string> = {};
    for (const id of Object.keys(states)) this.moved.delete(id);
    for (const id of Object.keys(states)) {
      const status = this.status(id);
      // A member of a snapshot still being applied: the apply's report will carry it.
      if (status !== undefined) members[id] = status;
    }
    this.reporter.members(this.revision, members);
  }

  private status(memberId: string): string | undefined {
    const known = this.members.get(memberId);
    if (known === undefined) return undefined;
    // Before its first verdict a member counts as up, as in the worker that probes it (member-state.ts).
    const verdict = this.moved.has(memberId) ? undefined : this.verdict(memberId);
    return memberOperatingStatus(known.member, known.monitored, verdict !== 'ERROR');
  }
}
