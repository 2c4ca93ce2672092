// The live view of one pool: its members' live states, its balancer and its SOURCE_IP
// persistence table. One PoolState per pool id lives across generations (update() takes the new
// configuration) so balancer and persistence state survive an unrelated change.

import type { ClientAddress, MemberRuntime, PoolRuntime } from './listener-runtime.js';
import type { SnapshotPool } from '../snapshot/snapshot.js';
import type { Balancer, BalancerOptions } from './balancers/balancer.js';
import { BALANCERS } from './balancers/registry.js';
import type { MemberState } from './health/member-state.js';
import { SourceIpPersistence } from './sessions/source-ip-persistence.js';

const NOTHING_EXCLUDED: ReadonlySet<string> = new Set();

export class PoolState implements PoolRuntime {
  private balancer: Balancer;
  private persistence: SourceIpPersistence | null = null;
  private members: readonly MemberState[] = [];

  constructor(
    public config: SnapshotPool,
    members: readonly MemberState[],
    private readonly balancerOptions: BalancerOptions = {},
  ) {
    this.balancer = BALANCERS[config.algorithm](balancerOptions);
    this.update(config, members);
  }

  update(config: SnapshotPool, members: readonly MemberState[]): void {
    if (config.algorithm !== this.config.algorithm) this.balancer = BALANCERS[config.algorithm](this.balancerOptions);
    const next = config.sessionPersistence?.type === 'SOURCE_IP' ? config.sessionPersistence : null;
    const previous = this.config.sessionPersistence;
    const unchanged = this.persistence !== null && next !== null && previous?.type === 'SOURCE_IP'
      && previous.timeoutSeconds === next.timeoutSeconds && previous.granularity === next.granularity;
    if (!unchanged) this.persistence = next === null ? null : new SourceIpPersistence(next.timeoutSeconds * 1000, undefined, `source-ip/${config.id}`, next.granularity);
    this.config = config;
    this.members = members;
  }

  pick(client: ClientAddress, exclude: ReadonlySet<string> = NOTHING_EXCLUDED): MemberRuntime | undefined {
    if (!this.config.enabled) return undefined;
    if (this.persistence) {
      const remembered = this.persistence.lookup(client.address);
      const member = remembered === undefined ? undefined : this.members.find((m) => m.id === remembered);
      if (member && member.available && !exclude.has(member.id)) {
        this.persistence.remember(client.address, member.id);
        return member;
      }
    }
    const member = this.choose(client, exclude);
    if (member && this.persistence) this.persistence.remember(client.address, member.id);
    return member;
  }

  private choose(client: ClientAddress, exclude: ReadonlySet<string>): MemberRuntime | undefined {
    let primaries: MemberState[] | undefined;
    let backups: MemberState[] | undefined;
    for (const member of this.members) {
      if (!member.available || exclude.has(member.id)) continue;
      if (member.config.backup) (backups ??= []).push(member);
      else (primaries ??= []).push(member);
    }
    // Backup members serve only while no primary can.
    const candidates = primaries ?? backups;
    return candidates ? this.balancer.pick(candidates, client) : undefined;
  }

  availableMember(memberId: string): MemberRuntime | undefined {
    if (!this.config.enabled) return undefined;
    const member = this.members.find((m) => m.id === memberId);
    return member?.available ? member : undefined;
  }

  /** Whether any member could take a connection now. */
  get hasAvailableMember(): boolean {
    return this.config.enabled && this.members.some((m) => m.available);
  }
}
