// Harness for L7 listener tests: backends that report what they received, a free port for the
// listener (ListenerRuntime binds the configured port), and a started listener closed after the test.

import { once } from 'node:events';
import { createServer, request, type Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { ListenerFactory, ListenerRuntime } from '../../src/dataplane/listener-runtime.js';
import type { SnapshotListener } from '../../src/snapshot/snapshot.js';
import type { FakeContext } from './fake-pools.js';
import { reservePort } from './ports.js';

/** A port for a listener to bind: reserved for this test process by the one allocator (ports.ts). */
export function freePort(): Promise<number> {
  return reservePort();
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
}

export interface Backend {
  readonly name: string;
  readonly port: number;
  readonly server: Server;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/** Answers `name` (or what `handler` writes) after reading the whole body, recording each request. */
export async function startBackend(t: TestContext, name: string, handler?: (req: IncomingMessage, res: ServerResponse, seen: SeenRequest) => void): Promise<Backend> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const record: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: 0 };
    seen.push(record);
    if (handler) return handler(req, res, record);
    req.on('data', (chunk: Buffer) => { record.bodyBytes += chunk.length; });
    req.on('end', () => {
      res.setHeader('x-backend', name);
      res.end(name);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  };
  t.after(close);
  return { name, port: (server.address() as AddressInfo).port, server, seen, close };
}

/** Starts a listener on a free port of 127.0.0.1; closed after the test. */
export async function startListener(t: TestContext, factory: ListenerFactory, config: SnapshotListener, context: FakeContext): Promise<{ runtime: ListenerRuntime; port: number; config: SnapshotListener }> {
  const port = config.port === 0 ? await freePort() : config.port;
  const bound = { ...config, port };
  const runtime = factory(bound, context);
  await runtime.start();
  t.after(() => runtime.close(0));
  return { runtime, port, config: bound };
}

export interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One HTTP/1.1 request to 127.0.0.1 on a fresh connection (or through `agent`). */
export function send(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Writes raw bytes on a new connection and collects everything until the server closes (or `ms` pass). */
export function rawExchange(port: number, bytes: Buffer | string, ms = 2_000, halfClose = false): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => { text += chunk.toString('latin1'); });
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, ms);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedByServer: true });
    });
    socket.write(bytes);
    // Half-closing says "no more requests": the server answers what it has, then closes.
    if (halfClose) socket.end();
  });
}
