// Test-only stand-ins for the data plane core: a ListenerContext whose pools pick round robin over
// real member addresses, members that count what they are given, and builders for snapshot
// listeners and pools, so L7 listeners can be tested on their own.

import type { AccessLogEntry, ClientAddress, ListenerContext, ListenerStatsRecorder, MemberRuntime, PoolRuntime } from '../../src/dataplane/listener-runtime.js';
import type { SnapshotListener, SnapshotMember, SnapshotPool, SnapshotPoolTls } from '../../src/snapshot/snapshot.js';
import { copiedDefaults } from '../../src/snapshot/copied-fields.js';

export class FakeMember implements MemberRuntime {
  activeConnections = 0;
  acquired = 0;
  connectFailures: Error[] = [];
  up = true;
  constructor(public config: SnapshotMember) {}
  get id(): string {
    return this.config.id;
  }
  get available(): boolean {
    return this.up && this.config.enabled && this.config.weight > 0;
  }
  acquire(): void {
    this.activeConnections++;
    this.acquired++;
  }
  release(): void {
    this.activeConnections--;
  }
  reportConnectFailure(error: Error): void {
    this.connectFailures.push(error);
    // Passive health: one failed connect marks the member down, as a fall count of 1 would.
    this.up = false;
  }
}

export class FakePool implements PoolRuntime {
  private next = 0;
  readonly members: FakeMember[];
  constructor(public config: SnapshotPool) {
    this.members = config.members.map((m) => new FakeMember(m));
  }
  pick(_client: ClientAddress, exclude?: ReadonlySet<string>): MemberRuntime | undefined {
    const candidates = this.members.filter((m) => m.available && !exclude?.has(m.id));
    if (candidates.length === 0) return undefined;
    const member = candidates[this.next % candidates.length];
    this.next++;
    return member;
  }
  availableMember(memberId: string): MemberRuntime | undefined {
    return this.members.find((m) => m.id === memberId && m.available);
  }
}

export class FakeStats implements ListenerStatsRecorder {
  opened = 0;
  closed = 0;
  bytesInTotal = 0;
  bytesOutTotal = 0;
  errors = 0;
  responses: number[] = [];
  connectionOpened(): void { this.opened++; }
  connectionClosed(): void { this.closed++; }
  bytesIn(count: number): void { this.bytesInTotal += count; }
  bytesOut(count: number): void { this.bytesOutTotal += count; }
  requestError(): void { this.errors++; }
  httpResponse(statusCode: number): void { this.responses.push(statusCode); }
}

export class FakeContext implements ListenerContext {
  readonly stats = new FakeStats();
  readonly accessLogEntries: AccessLogEntry[] = [];
  readonly pools = new Map<string, FakePool>();
  constructor(pools: readonly SnapshotPool[]) {
    for (const pool of pools) this.pools.set(pool.id, new FakePool(pool));
  }
  pool(poolId: string): FakePool | undefined {
    return this.pools.get(poolId);
  }
  accessLog(entry: AccessLogEntry): void {
    this.accessLogEntries.push(entry);
  }
  log(): void {}
}

let counter = 0;

export function member(port: number, overrides: Partial<SnapshotMember> = {}): SnapshotMember {
  counter++;
  return {
    id: `member-${counter}`, name: `m${counter}`, address: '127.0.0.1', port, weight: 1, backup: false, enabled: true,
    monitorAddress: '127.0.0.1', monitorPort: port, ...overrides,
  };
}

export function pool(id: string, members: SnapshotMember[], overrides: Partial<SnapshotPool> = {}): SnapshotPool {
  return {
    id, name: id, protocol: 'HTTP', algorithm: 'ROUND_ROBIN', enabled: true, sessionPersistence: null, members,
    healthMonitor: null, tls: null, ...overrides,
  };
}

/** A pool's re-encryption settings: no CA (any member certificate), SNI on, elbow's defaults. */
export function poolTls(overrides: Partial<SnapshotPoolTls> = {}): SnapshotPoolTls {
  return { caPem: null, crls: [], clientCertificate: null, sni: true, versions: null, ciphers: null, alpnProtocols: [], ...overrides };
}

export function listener(overrides: Partial<SnapshotListener> = {}): SnapshotListener {
  return {
    ...copiedDefaults('listener'), id: 'listener-1', loadBalancerId: 'lb-1', name: 'web', protocol: 'HTTP', transport: 'tcp', address: '127.0.0.1', port: 0,
    enabled: true, connectionLimit: -1,
    timeouts: { clientData: 50_000, memberConnect: 5_000, memberData: 50_000 },
    insertHeaders: {}, accessControl: { allowedCidrs: [], ipGroup: null }, defaultPoolId: 'pool-1', tls: null, hsts: null, policies: [],
    accessLog: false, ...overrides,
  };
}
