// One HTTP request through an L7 listener: screen it (smuggling), route it by the listener's
// policies, then answer it (reject, redirect, fixed response) or forward it to a member of the
// chosen pool, with stats and the access log entry when it finishes.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { MemberRuntime } from '../listener-runtime.js';
import { createRequestFacts, type RequestFacts } from '../routing/request-facts.js';
import { clientCertificateFacts, clientCertificateHeaders } from '../tls/client-certificate.js';
import { sendAnswer } from './error-responses.js';
import { endToEndHeaders, insertClientCertificateHeaders, insertForwardedHeaders, type HeaderList } from './forwarded-headers.js';
import { forwardRequest } from './forward-request.js';
import type { ProxyGeneration, ProxyState } from './proxy-generation.js';
import { screenRequest } from './request-screening.js';
import { cookieBoundMember, stripInsertedCookie } from './session-cookies.js';

/** The Host a request names: Host for HTTP/1, :authority for HTTP/2. */
export function requestHost(req: IncomingMessage): string | undefined {
  const authority = req.headers[':authority'];
  return typeof authority === 'string' ? authority : req.headers.host;
}

export function requestFacts(req: IncomingMessage, scheme: 'http' | 'https'): RequestFacts {
  const host = requestHost(req);
  return createRequestFacts({
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    headers: host === undefined ? req.headers : { ...req.headers, host },
    clientAddress: req.socket.remoteAddress ?? '',
    clientCertificate: scheme === 'https' ? clientCertificateFacts(req.socket as TLSSocket) : null,
  });
}

/** Headers for the member: end-to-end ones, Host kept (from :authority for HTTP/2), insert_headers. */
export function memberHeaders(req: IncomingMessage, generation: ProxyGeneration, scheme: 'http' | 'https', keepUpgrade = false): HeaderList {
  const headers = endToEndHeaders(req.rawHeaders, keepUpgrade);
  const host = requestHost(req);
  if (host !== undefined && !headers.has('host')) headers.set('host', [host]);
  insertForwardedHeaders(headers, generation.config.insertHeaders, {
    clientAddress: req.socket.remoteAddress ?? '',
    clientPort: req.socket.remotePort ?? 0,
    localAddress: req.socket.localAddress ?? '',
    localPort: req.socket.localPort ?? generation.config.port,
    scheme,
    host,
  });
  if (scheme === 'https') insertClientCertificateHeaders(headers, generation.config.insertHeaders, () => clientCertificateHeaders(req.socket as TLSSocket));
  return headers;
}

/** Socket byte counts already reported, so each request reports what moved since (heads included). */
const reported = new WeakMap<object, { read: number; written: number }>();

function bytesSinceLastReport(socket: IncomingMessage['socket']): { bytesIn: number; bytesOut: number } {
  const last = reported.get(socket) ?? { read: 0, written: 0 };
  const now = { read: socket.bytesRead, written: socket.bytesWritten };
  reported.set(socket, now);
  return { bytesIn: Math.max(0, now.read - last.read), bytesOut: Math.max(0, now.written - last.written) };
}

/** Stats and the access log entry of one request, recorded when the response is done. */
function recordWhenDone(req: IncomingMessage, res: ServerResponse, generation: ProxyGeneration, track: { member: MemberRuntime | null; upstreamAt: number | null }): void {
  const started = performance.now();
  const socket = req.socket;
  res.once('close', () => {
    const { context, config } = generation;
    const durationMs = performance.now() - started;
    const { bytesIn, bytesOut } = bytesSinceLastReport(socket);
    context.stats.bytesIn(bytesIn);
    context.stats.bytesOut(bytesOut);
    context.stats.httpResponse(res.statusCode, durationMs);
    if (!config.accessLog) return;
    context.accessLog({
      time: new Date().toISOString(),
      listener_id: config.id,
      client: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`,
      member: track.member ? `${track.member.config.address}:${track.member.config.port}` : null,
      method: req.method ?? '',
      path: req.url ?? '',
      status: res.statusCode,
      bytes_in: bytesIn,
      bytes_out: bytesOut,
      duration_ms: Math.round(durationMs * 1000) / 1000,
      upstream_ms: track.upstreamAt === null ? null : Math.round((track.upstreamAt - started) * 1000) / 1000,
    });
  });
}

export function handleRequest(state: ProxyState, req: IncomingMessage, res: ServerResponse): void {
  const generation = state.current;
  const { context, config } = generation;
  const track: { member: MemberRuntime | null; upstreamAt: number | null } = { member: null, upstreamAt: null };
  recordWhenDone(req, res, generation, track);

  const problem = req.httpVersionMajor < 2 ? screenRequest(req.method ?? '', req.httpVersion, req.rawHeaders) : null;
  if (problem !== null) {
    context.stats.requestError();
    sendAnswer(res, 'malformed', `request refused: ${problem}`, true);
    return;
  }

  const facts = requestFacts(req, state.scheme);
  const decision = generation.route(facts);
  switch (decision.kind) {
    case 'reject':
      sendAnswer(res, 'forbidden', 'request rejected by a forwarding policy');
      return;
    case 'redirect':
      res.writeHead(decision.status, { location: decision.location, 'content-length': 0 });
      res.end();
      return;
    case 'fixed':
      res.writeHead(decision.status, { 'content-type': decision.contentType, 'content-length': Buffer.byteLength(decision.body) });
      res.end(decision.body);
      return;
    case 'pool':
      break;
  }

  const pool = decision.poolId === null ? undefined : context.pool(decision.poolId);
  if (!pool || !pool.config.enabled) {
    context.stats.requestError();
    sendAnswer(res, 'no-pool', decision.poolId === null ? 'the listener has no default pool' : `pool ${decision.poolId} is not serving`);
    return;
  }
  const persistence = pool.config.sessionPersistence;
  const appCookies = persistence?.type === 'APP_COOKIE' ? state.appCookieTable(pool.config.id) : undefined;
  const headers = memberHeaders(req, generation, state.scheme);
  stripInsertedCookie(persistence, headers);
  forwardRequest({
    req,
    res,
    pool,
    client: { address: req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 },
    headers,
    host: facts.host,
    boundMemberId: cookieBoundMember(persistence, facts.cookie, appCookies),
    appCookies,
    agents: state.agents,
    timeouts: config.timeouts,
    onMember: (member) => {
      track.member = member;
    },
    onUpstreamResponse: () => {
      track.upstreamAt = performance.now();
    },
    onFailure: () => context.stats.requestError(),
  });
}
