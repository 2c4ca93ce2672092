// Shared helpers for data plane tests: snapshots built by hand, free ports, small servers on
// 127.0.0.1 that say who they are, and polling with a deadline.

import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { Snapshot, SnapshotHealthMonitor, SnapshotListener, SnapshotMember, SnapshotPool } from '../../../src/snapshot/snapshot.js';
import { copiedDefaults } from '../../../src/snapshot/copied-fields.js';
import { reservePort } from '../../helpers/ports.js';

export function makeListener(fields: Partial<SnapshotListener> & Pick<SnapshotListener, 'id' | 'port'>): SnapshotListener {
  const protocol = fields.protocol ?? 'TCP';
  return {
    // The catalog's defaults first: a field added later is set without touching this helper.
    ...copiedDefaults('listener'),
    loadBalancerId: 'lb-1',
    name: fields.id,
    protocol,
    transport: protocol === 'UDP' ? 'udp' : 'tcp',
    address: '127.0.0.1',
    enabled: true,
    connectionLimit: -1,
    timeouts: { clientData: 50_000, memberConnect: 5_000, memberData: 50_000 },
    insertHeaders: {},
    accessControl: { allowedCidrs: [], ipGroup: null },
    defaultPoolId: null,
    tls: null,
    hsts: null,
    policies: [],
    accessLog: false,
    ...fields,
  };
}

export function makeMember(fields: Partial<SnapshotMember> & Pick<SnapshotMember, 'id' | 'port'>): SnapshotMember {
  const address = fields.address ?? '127.0.0.1';
  return {
    name: fields.id,
    address,
    weight: 1,
    backup: false,
    enabled: true,
    monitorAddress: address,
    monitorPort: fields.port,
    ...fields,
  };
}

export function makePool(fields: Partial<SnapshotPool> & Pick<SnapshotPool, 'id' | 'members'>): SnapshotPool {
  return {
    name: fields.id,
    protocol: 'TCP',
    algorithm: 'ROUND_ROBIN',
    enabled: true,
    sessionPersistence: null,
    healthMonitor: null,
    tls: null,
    ...fields,
  };
}

export function makeMonitor(fields: Partial<SnapshotHealthMonitor> = {}): SnapshotHealthMonitor {
  return {
    id: 'hm-1',
    type: 'TCP',
    intervalMs: 50,
    timeoutMs: 500,
    riseCount: 1,
    fallCount: 1,
    httpMethod: 'GET',
    urlPath: '/',
    expectedCodes: [[200, 200]],
    httpVersion: 1.0,
    domainName: null,
    ...fields,
  };
}

export function makeSnapshot(revision: number, listeners: SnapshotListener[], pools: SnapshotPool[]): Snapshot {
  return { revision, listeners, pools: Object.fromEntries(pools.map((p) => [p.id, p])) };
}

/** A port for a listener to bind, free for TCP and UDP: reserved for this test process by the one allocator (ports.ts). */
export function freePort(_transport: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  return reservePort();
}

export interface TestServer {
  readonly server: Server;
  readonly port: number;
  readonly sockets: Set<Socket>;
  /** Stops accepting and destroys open connections. */
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 running `handle` for each connection; port 0 = ephemeral. */
export async function startServer(handle: (socket: Socket) => void, port = 0): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    server,
    port: address.port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (server.listening) server.close(() => resolve());
        else resolve();
      }),
  };
}

/** A member that answers every connection with its name, then closes. */
export function startNameServer(name: string, port = 0): Promise<TestServer> {
  return startServer((socket) => socket.end(name), port);
}

/** A member that echoes everything and ends when the client does. */
export function startEchoServer(): Promise<TestServer> {
  return startServer((socket) => socket.pipe(socket));
}

/** Connects through `port` on `host` (127.0.0.1), optionally sends `send` and ends, and collects the reply. */
export function exchange(port: number, send = '', end = true, host = '127.0.0.1'): Promise<{ reply: string; error: Error | null }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let error: Error | null = null;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (e) => (error = e));
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve({ reply: Buffer.concat(chunks).toString(), error }));
    socket.once('connect', () => {
      if (send) socket.write(send);
      if (end) socket.end();
    });
  });
}

/** Polls `check` until it returns true or the deadline passes (then fails with `what`). */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
