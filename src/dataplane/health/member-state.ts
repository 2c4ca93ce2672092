// Live state of one member: health, connection count, and whether it is still configured.
// Keyed by member id in the MemberTable and kept across re-applies; only its `config` is replaced.

import type { MemberRuntime } from '../listener-runtime.js';
import { memberOperatingStatus, type MemberOperatingStatus } from '../../snapshot/member-status.js';
import type { SnapshotMember } from '../../snapshot/snapshot.js';

export class MemberState implements MemberRuntime {
  activeConnections = 0;
  /** Whether a health monitor watches this member (set by the health checks). */
  monitored = false;
  /**
   * Monitored health. A new member starts up so traffic flows at once, but unconfirmed: its
   * first probe decides alone (as HAProxy, which starts a server one failure away from down);
   * after that it takes `rise` successes / `fall` failures in a row to change.
   */
  healthy = true;
  private confirmed = false;
  private streak = 0;
  /** False once the member left the configuration: no new connections, open ones drain. */
  configured = true;
  /** Set by the health checks: probe now, out of schedule (a connect just failed). */
  onConnectFailure: (() => void) | undefined;
  private readonly retireHandlers = new Set<() => void>();

  constructor(
    readonly id: string,
    public config: SnapshotMember,
    /** The pool the member belongs to (labels its metrics). */
    public poolId: string,
  ) {}

  get available(): boolean {
    return this.configured && this.config.enabled && this.config.weight > 0 && (!this.monitored || this.healthy);
  }

  get operatingStatus(): MemberOperatingStatus {
    return this.configured ? memberOperatingStatus(this.config, this.monitored, this.healthy) : 'DRAINING';
  }

  acquire(): void {
    this.activeConnections++;
  }

  release(): void {
    if (this.activeConnections > 0) this.activeConnections--;
  }

  reportConnectFailure(_error: Error): void {
    this.onConnectFailure?.();
  }

  onRetired(destroy: () => void): () => void {
    this.retireHandlers.add(destroy);
    return () => this.retireHandlers.delete(destroy);
  }

  /**
   * One probe result; returns true when the member's health is newly decided: it changed between
   * up and down, or a first probe confirmed it (which others mirroring this member need to hear).
   */
  recordProbe(ok: boolean, rise: number, fall: number): boolean {
    if (!this.confirmed) {
      this.setHealthy(ok);
      return true;
    }
    if (ok === this.healthy) {
      this.streak = 0;
      return false;
    }
    this.streak++;
    if (this.streak < (ok ? rise : fall)) return false;
    this.healthy = ok;
    this.streak = 0;
    return true;
  }

  /** Health decided elsewhere (another worker probes this member). */
  setHealthy(ok: boolean): void {
    this.healthy = ok;
    this.confirmed = true;
    this.streak = 0;
  }

  /** Forgets health (the member moved to another address, or its monitor was replaced). */
  resetHealth(): void {
    this.healthy = true;
    this.confirmed = false;
    this.streak = 0;
  }

  /** The drain bound expired: destroy every connection still open to this member. */
  retire(): void {
    for (const destroy of [...this.retireHandlers]) destroy();
    this.retireHandlers.clear();
  }
}
