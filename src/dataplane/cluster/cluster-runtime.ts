// The workers' report into the runtime view, made by the primary: it knows each snapshot it sent
// and the probing worker's health verdicts (they pass through it to the other workers), which is
// all a member's status needs (snapshot/member-status.ts). Listener errors come from the workers'
// merged apply reports.

import { memberOperatingStatus } from '../../snapshot/member-status.js';
import { moved } from '../health/member-table.js';
import type { RuntimeReporter } from '../../snapshot/runtime-view.js';
import type { ApplyReport, Snapshot, SnapshotMember, SnapshotPool } from '../../snapshot/snapshot.js';
import type { MemberHealth } from './messages.js';

export class ClusterRuntime {
  /** The pools of the snapshot applied last: one that is the same object again changed nothing. */
  private pools = new Map<string, SnapshotPool>();
  /** The members of the snapshot applied last, with whether a monitor watches them. */
  private readonly members = new Map<string, { readonly member: SnapshotMember; readonly monitored: boolean }>();
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

  /**
   * Every worker applied `snapshot`. Reported incrementally: the snapshot builder keeps unchanged
   * pools as the same objects, and their members' statuses change only by verdicts (decided()), so
   * only the members of new or changed pools are looked at (10,000 members took 20-30 ms each apply).
   */
  applied(snapshot: Snapshot, report: ApplyReport): void {
    if (this.reporter === undefined) return;
    const touched = new Set<string>();
    /** Members of the changed or removed pools as they were: gone unless a pool holds them now. */
    const left: SnapshotMember[] = [];
    const pools = new Map<string, SnapshotPool>();
    for (const pool of Object.values(snapshot.pools)) {
      pools.set(pool.id, pool);
      const before = this.pools.get(pool.id);
      if (before === pool) continue;
      if (before !== undefined) left.push(...before.members);
      const monitored = pool.healthMonitor !== null;
      for (const member of pool.members) {
        const previous = this.members.get(member.id)?.member;
        if (previous !== undefined && moved(previous, member)) this.moved.add(member.id);
        this.members.set(member.id, { member, monitored });
        touched.add(member.id);
      }
    }
    for (const [id, before] of this.pools) if (!pools.has(id)) left.push(...before.members);
    const removed: string[] = [];
    for (const { id } of left) {
      if (touched.has(id)) continue;
      this.members.delete(id);
      this.moved.delete(id);
      removed.push(id);
    }
    this.pools = pools;
    this.revision = report.revision;
    const members: Record<string, string> = {};
    for (const id of touched) members[id] = this.status(id) as string;
    this.reporter.applied({ ...report, members, removedMembers: removed });
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
