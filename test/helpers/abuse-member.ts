// A member for abuse tests that counts its open connections and the requests it is still
// working on, so a test can see what an attack leaves behind at the member. It keeps idle
// connections open for two minutes (a member that keeps connections alive), so a connection the
// balancer forgets shows up as still open.
//
// Paths: /fast answers at once (after reading any body); /hold never answers; /stream sends a
// head and 64 KB, then holds; /big?bytes=N sends N bytes; /trickle sends 1 KB every 50 ms
// until the connection closes; /slow?ms=N answers after N ms; /upload reads the body and answers
// with its size.

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TestContext } from 'node:test';

export interface CountingMember {
  readonly port: number;
  readonly server: Server;
  /** Connections open now. */
  readonly openConnections: number;
  /** Connections accepted since start. */
  readonly acceptedConnections: number;
  /** Requests received and not finished (answered, or their connection closed). */
  readonly activeRequests: number;
  /** Requests received since start. */
  readonly requests: number;
  /** Most connections open at once. */
  readonly peakConnections: number;
  /** Most requests active at once. */
  readonly peakRequests: number;
  /** Body bytes received by /upload requests still open. */
  readonly uploadBytes: number;
}

export async function startCountingMember(t: TestContext): Promise<CountingMember> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let peak = 0;
  let active = 0;
  let peakRequests = 0;
  let requests = 0;
  let uploadBytes = 0;
  const server = createServer({ keepAliveTimeout: 120_000, headersTimeout: 0, requestTimeout: 0 }, (req, res) => {
    requests += 1;
    active += 1;
    peakRequests = Math.max(peakRequests, active);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      active -= 1;
    };
    res.once('finish', finish);
    res.once('close', finish);
    const url = new URL(req.url ?? '/', 'http://member');
    switch (url.pathname) {
      case '/hold':
        req.resume();
        return;
      case '/stream':
        req.resume();
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(64 * 1024, 0x61));
        return;
      case '/big': {
        req.resume();
        const bytes = Number(url.searchParams.get('bytes') ?? 1024 * 1024);
        res.writeHead(200, { 'content-length': bytes });
        const chunk = Buffer.alloc(64 * 1024, 0x62);
        let left = bytes;
        const pump = (): void => {
          while (left > 0) {
            const size = Math.min(left, chunk.length);
            left -= size;
            if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      case '/trickle': {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const timer = setInterval(() => res.write(Buffer.alloc(1024, 0x74)), 50);
        res.once('close', () => clearInterval(timer));
        return;
      }
      case '/slow': {
        req.resume();
        const timer = setTimeout(() => res.end('slow'), Number(url.searchParams.get('ms') ?? 1000));
        res.once('close', () => clearTimeout(timer));
        return;
      }
      case '/upload': {
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          size += chunk.length;
          uploadBytes += chunk.length;
        });
        req.on('close', () => { uploadBytes -= size; });
        req.on('end', () => res.end(`got ${size}`));
        return;
      }
      default:
        req.resume();
        req.on('end', () => res.end('ok'));
    }
  });
  server.on('connection', (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    peak = Math.max(peak, sockets.size);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  });
  return {
    port: (server.address() as AddressInfo).port,
    server,
    get openConnections() { return sockets.size; },
    get acceptedConnections() { return accepted; },
    get activeRequests() { return active; },
    get requests() { return requests; },
    get peakConnections() { return peak; },
    get peakRequests() { return peakRequests; },
    get uploadBytes() { return uploadBytes; },
  };
}

/** Polls `condition` every 20 ms until it holds; rejects after `boundMs` with `what` and `detail()`. */
export async function eventually(condition: () => boolean, what: string, detail: () => string = () => '', boundMs = 15_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
