// Probes one member every interval (the next probe is scheduled when the last one ends, so a
// slow member never has two probes in flight) and feeds the results to its MemberState. A failed
// connect from traffic asks for an early probe, at most one per EARLY_PROBE_GAP_MS.

import type { SnapshotHealthMonitor } from '../../snapshot/snapshot.js';
import type { MemberState } from './member-state.js';
import { PROBES } from './probes/registry.js';
import type { DataPlaneLogger } from '../observe/logger.js';

const EARLY_PROBE_GAP_MS = 200;

export class ProbeLoop {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;
  private lastStart = 0;
  private stopped = false;

  constructor(
    private readonly member: MemberState,
    private monitor: SnapshotHealthMonitor,
    private readonly logger: DataPlaneLogger,
    private readonly onDecided: (member: MemberState) => void,
  ) {
    // A loop starts for a new member, or one re-enabled or newly monitored: its first probe decides.
    member.resetHealth();
    member.monitored = true;
    member.onConnectFailure = () => this.probeSoon();
    this.schedule(0);
  }

  update(monitor: SnapshotHealthMonitor): void {
    // Another monitor (or another kind of check) says nothing about the old results.
    if (monitor.id !== this.monitor.id || monitor.type !== this.monitor.type) this.member.resetHealth();
    this.monitor = monitor;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.inFlight?.abort();
    this.member.onConnectFailure = undefined;
  }

  private probeSoon(): void {
    if (this.stopped || this.inFlight || Date.now() - this.lastStart < EARLY_PROBE_GAP_MS) return;
    clearTimeout(this.timer);
    void this.run();
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.run(), delayMs);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    const monitor = this.monitor;
    const member = this.member;
    const controller = new AbortController();
    this.inFlight = controller;
    this.lastStart = Date.now();
    const timeout = setTimeout(() => controller.abort(), monitor.timeoutMs);
    const target = { address: member.config.monitorAddress, port: member.config.monitorPort };
    const ok = await PROBES[monitor.type](target, monitor, controller.signal).catch(() => false);
    clearTimeout(timeout);
    this.inFlight = undefined;
    if (this.stopped) return;
    if (member.recordProbe(ok, monitor.riseCount, monitor.fallCount)) {
      this.logger.info({ member: member.id, address: `${target.address}:${target.port}`, status: member.operatingStatus }, ok ? 'member up' : 'member down');
      this.onDecided(member);
    }
    this.schedule(monitor.intervalMs);
  }
}
