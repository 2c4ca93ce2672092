// One HTTP request through an L7 listener: screen it (smuggling), route it by the listener's
// policies, then answer it (reject, redirect, fixed response) or forward it to a member of the
// chosen pool, with stats and the access log entry when it finishes.
//
// Hot path: one RequestExchange per request carries its state and is found again from the
// response's single 'close' listener (a module function, no closure per request).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { DesyncMitigationMode } from '../../model/types.js';
import type { MemberRuntime } from '../listener-runtime.js';
import { createRequestFacts, type RequestFacts } from '../routing/request-facts.js';
import { clientCertificateFacts, clientCertificateHeaders } from '../tls/client-certificate.js';
import { sendAnswer } from './error-responses.js';
import { endToEndHeaders, insertClientCertificateHeaders, insertForwardedHeaders, toFlat, type HeaderList } from './forwarded-headers.js';
import { forwardRequest, type ForwardJob, type MemberExchange } from './forward-request.js';
import type { ProxyGeneration, ProxyState } from './proxy-generation.js';
import { screenRequest } from './request-screening.js';
import { isValidHost, normalizeTarget } from './request-target.js';
import { upgradeWasStripped } from './upgrade-admission.js';
import { cookieBoundMember, stripInsertedCookie } from './session-cookies.js';

/** The Host a request names, once normalizeRequest() has run (HTTP/2: from :authority). */
export function requestHost(req: IncomingMessage): string | undefined {
  return req.headers.host;
}

/**
 * Puts the request in the form elbow routes and forwards it (request-target.ts): req.url becomes
 * the normalized origin-form target and an absolute-form target's authority becomes the Host
 * (HTTP/2: :authority wins over a Host header). Returns why the request is refused, or null.
 */
export function normalizeRequest(req: IncomingMessage): string | null {
  const http2 = req.httpVersionMajor >= 2;
  const result = normalizeTarget(req.method ?? 'GET', req.url ?? '/', http2);
  if (!result.ok) return result.problem;
  const { originForm, authority } = result.target;
  req.url = originForm;
  const headers = req.headers;
  if (authority !== undefined) headers.host = authority;
  else if (http2 && typeof headers[':authority'] === 'string') headers.host = headers[':authority'];
  const host = headers.host;
  if (host !== undefined && !isValidHost(host)) return 'invalid Host header';
  return null;
}

export function requestFacts(req: IncomingMessage, generation: ProxyGeneration): RequestFacts {
  return createRequestFacts({
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    headers: req.headers,
    clientAddress: req.socket.remoteAddress ?? '',
    clientCertificate: generation.clientCertificates ? clientCertificateFacts(req.socket as TLSSocket) : null,
  });
}

/**
 * Headers for the member: end-to-end ones, the Host routing saw (an absolute-form target's
 * authority; :authority for HTTP/2), insert_headers.
 */
export function memberHeaders(req: IncomingMessage, generation: ProxyGeneration, scheme: 'http' | 'https', keepUpgrade = false): HeaderList {
  const headers = endToEndHeaders(req.rawHeaders, keepUpgrade);
  const host = requestHost(req);
  if (host !== undefined) headers.set('host', [host]);
  const insert = generation.insertHeaders;
  const socket = req.socket;
  if (insert.forwarding) {
    insertForwardedHeaders(headers, insert, {
      clientAddress: socket.remoteAddress ?? '',
      clientPort: socket.remotePort ?? 0,
      localAddress: socket.localAddress ?? '',
      localPort: socket.localPort ?? generation.config.port,
      scheme,
      host,
    });
  }
  if (scheme === 'https') insertClientCertificateHeaders(headers, insert, () => clientCertificateHeaders(socket as TLSSocket));
  return headers;
}

/** Socket byte counts already reported, so each request reports what moved since (heads included). */
const REPORTED = Symbol('elbow.reportedBytes');

interface ReportedBytes {
  read: number;
  written: number;
}

type CountedSocket = IncomingMessage['socket'] & { [REPORTED]?: ReportedBytes };

/** The connection's own socket: HTTP/2 requests expose a per-stream proxy of the session's. */
function connectionSocket(req: IncomingMessage): CountedSocket {
  if (req.httpVersionMajor < 2) return req.socket;
  const session = (req as unknown as { stream?: { session?: { socket?: CountedSocket } } }).stream?.session;
  return session?.socket ?? req.socket;
}

const EXCHANGE = Symbol('elbow.exchange');

type TrackedResponse = ServerResponse & { [EXCHANGE]?: RequestExchange };

function onResponseClose(this: TrackedResponse): void {
  this[EXCHANGE]?.closed();
}

/** One request's life: what the forwarder reports (member, answer time) and the record at the end. */
class RequestExchange {
  readonly started = performance.now();
  member: MemberRuntime | null = null;
  upstreamAt: number | null = null;
  upstream: MemberExchange | null = null;
  /** The member connection closes after this request (an ambiguous request, defensive mode). */
  closeMember = false;

  constructor(
    private readonly state: ProxyState,
    private readonly generation: ProxyGeneration,
    private readonly req: IncomingMessage,
    private readonly res: TrackedResponse,
  ) {
    res[EXCHANGE] = this;
    res.on('close', onResponseClose);
    state.inFlight.add(res);
    if (state.draining !== null && req.httpVersionMajor < 2) res.shouldKeepAlive = false;
  }

  onMember(member: MemberRuntime): void {
    this.member = member;
  }

  onUpstreamResponse(): void {
    if (this.generation.config.accessLog) this.upstreamAt = performance.now();
  }

  onFailure(): void {
    this.generation.context.stats.requestError();
  }

  /** The response is done (or the client went away): stop the member, record stats and the log. */
  closed(): void {
    const { state, res, req } = this;
    state.inFlight.delete(res);
    if (state.draining !== null) setImmediate(state.draining);
    // Unconditionally: a reset HTTP/2 response reports writableFinished, and an exchange that
    // already ended ignores this.
    this.upstream?.abort();

    const { context, config } = this.generation;
    const durationMs = performance.now() - this.started;
    const socket = connectionSocket(req);
    const read = socket.bytesRead;
    const written = socket.bytesWritten;
    let last = socket[REPORTED];
    if (last === undefined) last = socket[REPORTED] = { read: 0, written: 0 };
    const bytesIn = Math.max(0, read - last.read);
    const bytesOut = Math.max(0, written - last.written);
    last.read = read;
    last.written = written;
    const stats = context.stats;
    stats.bytesIn(bytesIn);
    stats.bytesOut(bytesOut);
    stats.httpResponse(res.statusCode, durationMs);
    if (!config.accessLog) return;
    const member = this.member;
    context.accessLog({
      time: new Date().toISOString(),
      listener_id: config.id,
      client: `${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`,
      member: member ? `${member.config.address}:${member.config.port}` : null,
      method: req.method ?? '',
      path: req.url ?? '',
      status: res.statusCode,
      bytes_in: bytesIn,
      bytes_out: bytesOut,
      duration_ms: Math.round(durationMs * 1000) / 1000,
      upstream_ms: this.upstreamAt === null ? null : Math.round((this.upstreamAt - this.started) * 1000) / 1000,
    });
  }
}

type Refusal = { readonly answer: 'not-allowed' | 'malformed'; readonly detail: string };

/**
 * What elbow does with the request before any policy: refuse it (then the connection closes), or
 * let it go on; `ambiguous` names what AWS's desync classes would call ambiguous about it, when
 * the listener's desync_mitigation_mode lets it through (null: nothing is).
 */
function screen(req: IncomingMessage, mode: DesyncMitigationMode): { refused: Refusal | null; ambiguous: string | null } {
  // elbow is a reverse proxy: no CONNECT tunnels (HTTP/1: Node would otherwise drop the connection
  // without a word; HTTP/2: l7-listener.ts routes CONNECT streams here).
  if (req.method === 'CONNECT') return { refused: { answer: 'not-allowed', detail: 'CONNECT is not supported: elbow does not open tunnels' }, ambiguous: null };
  const finding = req.httpVersionMajor < 2 ? screenRequest(req.method ?? '', req.httpVersion, req.rawHeaders) : null;
  const letThrough = finding !== null && finding.severity === 'ambiguous' && mode !== 'strictest';
  const problem = (letThrough ? null : finding?.reason) ?? normalizeRequest(req);
  return { refused: problem === null ? null : { answer: 'malformed', detail: `request refused: ${problem}` }, ambiguous: letThrough ? finding.reason : null };
}

/**
 * Refuses what screen() refuses; otherwise decides whether the connection ends with this answer
 * and logs an ambiguous request let through. Returns whether the request goes on to routing.
 */
function admit(generation: ProxyGeneration, req: IncomingMessage, res: ServerResponse, own: () => ServerResponse, exchange: RequestExchange): boolean {
  const { context, config } = generation;
  const { refused, ambiguous } = screen(req, config.desyncMitigationMode);
  if (refused !== null) {
    context.stats.requestError();
    sendAnswer(own(), refused.answer, refused.detail, true);
    return false;
  }
  if (ambiguous !== null) {
    // defensive: no connection is reused after it, the client's nor the member's (AWS's mode).
    if (config.desyncMitigationMode === 'defensive') {
      res.shouldKeepAlive = false;
      exchange.closeMember = true;
    }
    context.log(config.desyncMitigationMode === 'monitor' ? 'warn' : 'info', `ambiguous request forwarded (desync_mitigation_mode ${config.desyncMitigationMode})`, {
      listener: config.id, client: req.socket.remoteAddress, method: req.method, path: req.url, reason: ambiguous,
    });
  }
  // An upgrade served as an ordinary request (h2c, or with a body): Node may have dropped bytes
  // pipelined behind it, so the connection ends with this answer.
  if (req.httpVersionMajor < 2 && upgradeWasStripped(req)) res.shouldKeepAlive = false;
  return true;
}

export function handleRequest(state: ProxyState, req: IncomingMessage, res: ServerResponse): void {
  const generation = state.current;
  const { context, config } = generation;
  const exchange = new RequestExchange(state, generation, req, res);

  const hsts = generation.hsts;
  // elbow's own answers get the listener's HSTS header here; member answers get it from the
  // forwarder, so that their header list stays untouched until then (no setHeader merge per answer).
  const own = (): ServerResponse => {
    if (hsts !== null) res.setHeader('strict-transport-security', hsts);
    return res;
  };
  if (!admit(generation, req, res, own, exchange)) return;

  const facts = requestFacts(req, generation);
  const decision = generation.route(facts);
  switch (decision.kind) {
    case 'reject':
      sendAnswer(own(), 'forbidden', 'request rejected by a forwarding policy');
      return;
    case 'redirect':
      own().writeHead(decision.status, { location: decision.location, 'content-length': 0 });
      res.end();
      return;
    case 'fixed':
      own().writeHead(decision.status, { 'content-type': decision.contentType, 'content-length': Buffer.byteLength(decision.body) });
      res.end(decision.body);
      return;
    case 'pool':
      break;
  }

  const pool = decision.poolId === null ? undefined : context.pool(decision.poolId);
  if (!pool || !pool.config.enabled) {
    context.stats.requestError();
    sendAnswer(own(), 'no-pool', decision.poolId === null ? 'the listener has no default pool' : `pool ${decision.poolId} is not serving`);
    return;
  }
  const persistence = pool.config.sessionPersistence;
  const appCookies = persistence?.type === 'APP_COOKIE' ? state.appCookieTable(pool.config.id) : undefined;
  const headers = memberHeaders(req, generation, state.scheme);
  // elbow answers Expect: 100-continue itself (forward-request.ts); the member gets the body.
  headers.delete('expect');
  stripInsertedCookie(persistence, headers);
  const job: ForwardJob = {
    req,
    res,
    pool,
    client: { address: req.socket.remoteAddress ?? '', port: req.socket.remotePort ?? 0 },
    headers: toFlat(headers),
    host: facts.host,
    boundMemberId: persistence === null ? undefined : cookieBoundMember(persistence, facts.cookie, appCookies),
    appCookies,
    upstreams: state.upstreams,
    timeouts: config.timeouts,
    observer: exchange,
    hsts,
    closeMember: exchange.closeMember,
  };
  forwardRequest(job);
}
