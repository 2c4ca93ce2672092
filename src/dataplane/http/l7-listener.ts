// The running form of every HTTP-speaking listener (HTTP, HTTPS/TERMINATED_HTTPS): admission
// (connection_limit, allowed_cidrs/ip group, before a byte is read), Node's strict HTTP parser
// with bounded heads and a headers timeout (slowloris), parser errors answered 400/431 and the
// connection closed, timeout_client_data per connection and per HTTP/2 stream, the HTTP/2
// guards (http2-sessions.ts), requests and upgrades to the proxy, live configuration updates.

import type { Server as HttpServer, IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { Http2Session } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import type { ListenerContext, ListenerRuntime } from '../listener-runtime.js';
import { TrackedServer } from '../tracked-server.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { onHttp1Idle } from './client-inactivity.js';
import { writeRawAnswer } from './error-responses.js';
import { DEFAULT_HTTP2_LIMITS, watchHttp2Session, type Http2Limits, type SessionListener } from './http2-sessions.js';
import { compileGeneration, ProxyState } from './proxy-generation.js';
import { handleRequest } from './request-handler.js';
import { ScreenedIncomingMessage } from './upgrade-admission.js';
import { handleUpgrade } from './upgrade-tunnel.js';
import { DEFAULT_MEMBER_CONNECTION_LIMIT } from './upstream-pools.js';

export interface HttpLimits extends Http2Limits {
  /** Largest request head (request line + headers) in bytes; larger ones get 431. Node's default. */
  readonly maxHeaderSize: number;
  /** Bound on the time to receive a request head (slowloris), capped by timeout_client_data. */
  readonly headersTimeoutMs: number;
  /** Connections to one member at most (per listener and worker); more requests wait in line. */
  readonly memberConnectionLimit: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxHeaderSize: 16 * 1024,
  headersTimeoutMs: 30_000,
  memberConnectionLimit: DEFAULT_MEMBER_CONNECTION_LIMIT,
  ...DEFAULT_HTTP2_LIMITS,
};

/** Options for node:http / node:http2 servers: strict parser always, whole-request timeout off (bodies may be huge). */
export function httpServerOptions(limits: HttpLimits): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderSize,
    insecureHTTPParser: false,
    requestTimeout: 0,
    headersTimeout: limits.headersTimeoutMs,
    // How often Node checks the headers timeout; the bound is accurate to this.
    connectionsCheckingInterval: 1_000,
    noDelay: true,
    joinDuplicateHeaders: false,
    // Only upgrades elbow can tunnel safely reach the 'upgrade' event (upgrade-admission.ts).
    IncomingMessage: ScreenedIncomingMessage,
  };
}

/**
 * node:http2's server serves HTTP/1 clients (allowHTTP1) with node:http's connection handler, which
 * reads these settings from the server object; node:http2 does not take them as options.
 */
export function applyHttp1Options(server: NetServer, limits: HttpLimits): void {
  const options = httpServerOptions(limits);
  Object.assign(server, {
    maxHeaderSize: options.maxHeaderSize,
    insecureHTTPParser: false,
    requireHostHeader: true,
    noDelay: true,
    joinDuplicateHeaders: false,
    // How often the headers timeout is checked (node:http2 would check every 30 s).
    connectionsCheckingInterval: options.connectionsCheckingInterval,
  });
}

type ServerTimeouts = { headersTimeout: number; keepAliveTimeout: number; requestTimeout: number; timeout: number };

function applyTimeouts(server: NetServer, config: SnapshotListener, limits: HttpLimits): void {
  const settable = server as unknown as ServerTimeouts;
  settable.headersTimeout = Math.min(limits.headersTimeoutMs, config.timeouts.clientData);
  // timeout_http_keep_alive: how long an idle keep-alive connection waits for its next request.
  settable.keepAliveTimeout = config.httpKeepAliveMs ?? config.timeouts.clientData;
  settable.requestTimeout = 0;
  // Idle timer of each new HTTP/1 connection (and of each HTTP/2 one, which http2-sessions.ts handles).
  settable.timeout = config.timeouts.clientData;
}

/** Node parser error codes → the status elbow answers with. */
function parserErrorStatus(error: Error & { code?: string }): number {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

export interface L7ServerBuild {
  readonly server: NetServer;
  /** Extra work on a configuration update (TLS contexts). */
  reconfigure?(config: SnapshotListener, context: ListenerContext): void;
}

export function runL7Listener(
  initial: SnapshotListener,
  initialContext: ListenerContext,
  scheme: 'http' | 'https',
  limits: HttpLimits,
  build: (state: ProxyState) => L7ServerBuild,
): ListenerRuntime {
  const state = new ProxyState(scheme, compileGeneration(initial, initialContext), limits.memberConnectionLimit);
  const { server, reconfigure } = build(state);
  const tracked = new TrackedServer(server, initial.address, initial.port);
  applyTimeouts(server, initial, limits);
  // A client that half-closes after its request ("no more requests") still gets its answers;
  // Node's default would close the connection at the client's FIN and drop them.
  (server as unknown as { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  server.on('connection', (socket: Socket) => {
    const { config, context, admit } = state.current;
    tracked.admit(socket, config, context, admit);
  });
  // Draining: answers in flight finish, then their connections close instead of idling on.
  const sessions = new Set<Http2Session>();
  const serve = (req: IncomingMessage, res: ServerResponse): void => handleRequest(state, req, res);
  server.on('request', serve);
  // Expect: 100-continue: elbow answers 100 once the request goes out to a member.
  server.on('checkContinue', serve);
  // HTTP/2 CONNECT streams (Node would answer a bare 405 without Allow) go through handleRequest,
  // which refuses them; HTTP/1 CONNECT requests are ordinary requests already (upgrade-admission.ts),
  // so a socket here is unexpected and gets a 405 with the connection closed.
  server.on('connect', (req: IncomingMessage, second: ServerResponse | Socket) => {
    if ('writeHead' in second) serve(req, second);
    else writeRawAnswer(second, 405, 'CONNECT is not supported: elbow does not open tunnels');
  });
  const sessionListener: SessionListener = {
    get clientTimeoutMs() {
      return state.current.config.timeouts.clientData;
    },
    onRapidReset(session) {
      const { config, context } = state.current;
      context.stats.requestError();
      context.log('warn', 'HTTP/2 connection closed: streams reset faster than allowed (Rapid Reset), GOAWAY ENHANCE_YOUR_CALM', {
        listener: config.id, client: session.socket?.remoteAddress, burst: limits.streamResetBurst, per_second: limits.streamResetsPerSecond,
      });
    },
  };
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    watchHttp2Session(session, limits, sessionListener);
  });
  // timeout_client_data: an HTTP/1 connection idle while elbow waits on its client closes;
  // HTTP/2 connections and streams have their own timers (http2-sessions.ts).
  server.on('timeout', (idle: Socket | Http2Session) => {
    if (!('goaway' in idle)) onHttp1Idle(idle, state.current.config.timeouts.clientData);
  });
  server.on('upgrade', (req, socket, head) => handleUpgrade(state, req, socket as Socket, head as Buffer));
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    const { context } = state.current;
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = parserErrorStatus(error);
    context.stats.requestError();
    context.stats.httpResponse(status, 0);
    writeRawAnswer(socket, status, status === 431 ? 'request head too large' : status === 408 ? 'request head not received in time' : `malformed request (${error.code ?? error.message})`);
  });
  server.on('error', (error: Error) => state.current.context.log('error', 'L7 listener error', { listener: initial.id, error: error.message }));

  return {
    id: initial.id,
    start: () => tracked.start(),
    update(config, context) {
      state.update(compileGeneration(config, context));
      applyTimeouts(server, config, limits);
      reconfigure?.(config, context);
    },
    async close(drainMs) {
      state.draining = () => (server as HttpServer).closeIdleConnections?.();
      for (const res of state.inFlight) if (!res.headersSent && res.req.httpVersionMajor < 2) res.shouldKeepAlive = false;
      // HTTP/2: GOAWAY, open streams finish. HTTP/1: idle keep-alive connections close now.
      for (const session of sessions) session.close();
      (server as HttpServer).closeIdleConnections?.();
      await tracked.close(drainMs);
      state.upstreams.destroy();
    },
    get openConnections() {
      return tracked.connections.size;
    },
  };
}
