// Shared by the cluster tests: snapshots of TCP listeners over one member, a free port, an echo
// server, and a client that opens one connection and checks the echo.
import assert from 'node:assert/strict';
import net from 'node:net';
import { reservePort } from '../../../helpers/ports.js';
import type { Snapshot, SnapshotHealthMonitor, SnapshotListener, SnapshotPool } from '../../../../src/snapshot/snapshot.js';
import { copiedDefaults } from '../../../../src/snapshot/copied-fields.js';

export function tcpListener(id: string, port: number, poolId: string | null, protocol: 'TCP' | 'UDP' = 'TCP'): SnapshotListener {
  return {
    ...copiedDefaults('listener'), id, loadBalancerId: 'lb-1', name: id, protocol, transport: protocol === 'UDP' ? 'udp' : 'tcp',
    address: '127.0.0.1', port, enabled: true, connectionLimit: -1,
    timeouts: { clientData: 50_000, memberConnect: 5_000, memberData: 50_000 },
    insertHeaders: {}, accessControl: { allowedCidrs: [], ipGroup: null },
    defaultPoolId: poolId, tls: null, hsts: null, policies: [], accessLog: false,
  };
}

export function tcpPool(id: string, members: readonly { id: string; port: number }[], healthMonitor: SnapshotHealthMonitor | null = null): SnapshotPool {
  return {
    id, name: id, protocol: 'TCP', algorithm: 'ROUND_ROBIN', enabled: true, sessionPersistence: null,
    members: members.map((m) => ({
      id: m.id, name: m.id, address: '127.0.0.1', port: m.port, weight: 1, backup: false, enabled: true,
      monitorAddress: '127.0.0.1', monitorPort: m.port,
    })),
    healthMonitor, tls: null,
  };
}

export function tcpMonitor(intervalMs: number): SnapshotHealthMonitor {
  return {
    id: 'hm-1', type: 'TCP', intervalMs, timeoutMs: intervalMs, riseCount: 1, fallCount: 1,
    httpMethod: 'GET', urlPath: '/', expectedCodes: [[200, 200]], httpVersion: 1.1, domainName: null,
  };
}

export function snapshotOf(revision: number, listeners: SnapshotListener[], pools: SnapshotPool[]): Snapshot {
  return { revision, listeners, pools: Object.fromEntries(pools.map((pool) => [pool.id, pool])) };
}

/** A port for a listener (the cluster shares listeners by address and port, so port 0 will not do), from the one allocator. */
export function freePort(): Promise<number> {
  return reservePort();
}

export async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** One connection: sends a line and resolves true when it comes back, false on any failure (bounded). */
export function echoes(port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const text = `ping ${Math.random()}\n`;
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received === text) done(true);
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(received === text));
  });
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Opens parallel echo connections through `port` until every worker of `plane` has counted some on
 * `listenerId` (the kernel spreads them); every one must echo. Returns how many were made.
 */
export async function connectUntilEveryWorkerServes(
  plane: { workers(): Promise<readonly { stats?: { listeners: Record<string, { total_connections: number } | undefined> } | null }[]> },
  port: number,
  listenerId: string,
): Promise<number> {
  let made = 0;
  await until('connections served by every worker', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => echoes(port)));
    assert.ok(results.every(Boolean), 'every connection echoes');
    made += results.length;
    const workers = await plane.workers();
    return workers.every((w) => (w.stats?.listeners[listenerId]?.total_connections ?? 0) > 0);
  });
  return made;
}
