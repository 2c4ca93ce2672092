// Forwards one HTTP request to a member of a pool and streams the answer back, through undici's
// dispatch() on a keep-alive connection to the member (member-connections.ts) with one handler
// object per attempt (no streams or promises per request). The handler uses dispatch's direct
// callbacks (onConnect, onHeaders with the raw header buffers, onData, onComplete, onError): the
// controller form (onRequestStart, onResponseStart…) makes undici wrap each handler and parse
// every answer's headers into an object, which cost a third of the proxy's requests/s
// (docs/benchmark.md, "History").
// Bodies flow both ways with backpressure (never buffered whole),
// timeout_member_connect and timeout_member_data enforced, and a request that is safe to repeat
// (idempotent, no body) retried once on another member when the connect failed or a kept-alive
// connection turned out closed. A member at its connection limit is passed over for one that is
// not; when none is left the request waits in line for a connection, at most
// timeout_member_connect. elbow's own errors: 502 (member failed), 503 (no member, or no
// connection freed up in time), 504 (member too slow).
//
// A client that goes away (HTTP/1 connection closed, HTTP/2 stream reset) stops the exchange at
// once wherever it is: out of the line, or the member connection destroyed, so the member stops
// working for nobody and no connection is left behind.
//
// Expect: 100-continue: undici does not send Expect to a member, so elbow answers the client's
// `100 Continue` itself once the request goes out to the member (nginx does the same).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Client, Dispatcher } from 'undici';
import type { ClientAddress, MemberRuntime, PoolRuntime } from '../listener-runtime.js';
import { chooseMember } from './choose-member.js';
import { sendAnswer, type ElbowAnswer } from './error-responses.js';
import { clientResponseHeaderList, clientResponseHeaders, toFlat } from './forwarded-headers.js';
import type { ConnectionSet, ConnectionWaiter } from './member-connections.js';
import { persistFromResponse, type AppCookieTable } from './session-cookies.js';
import type { UpstreamPools } from './upstream-pools.js';

/** Methods a proxy may repeat (RFC 9110 §9.2.2) when the first member could not be reached. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Attempts per request when connects fail: the first member and one other. */
const MAX_ATTEMPTS = 2;

const NO_EXCLUSION: ReadonlySet<string> = new Set();

/** Why elbow stops a member exchange itself: the client went away. */
const CLIENT_GONE = new Error('the client went away');

const noop = (): void => undefined;

/** A connection error after the request was written: a kept-alive connection the member had closed. */
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** undici refusing the request itself (it never reached a member). */
const REFUSED_BY_CLIENT_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_DESTROYED', 'UND_ERR_CLOSED']);

/** The member could not be reached (refused, unreachable, timed out), as opposed to a TLS handshake it failed. */
function isConnectFailure(error: Error): boolean {
  const { code, syscall } = error as { code?: string; syscall?: string };
  return code === 'UND_ERR_CONNECT_TIMEOUT' || syscall === 'connect' || syscall === 'getaddrinfo';
}

export interface ForwardJob {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly pool: PoolRuntime;
  readonly client: ClientAddress;
  /** Headers for the member as a flat list (hop-by-hop removed, insert_headers applied). */
  readonly headers: string[];
  readonly host: string;
  readonly boundMemberId: string | undefined;
  readonly appCookies: AppCookieTable | undefined;
  readonly upstreams: UpstreamPools;
  readonly timeouts: { readonly memberConnect: number; readonly memberData: number };
  readonly observer: ForwardObserver;
  /** Strict-Transport-Security value for every answer (HSTS on HTTPS listeners); null: none. */
  readonly hsts: string | null;
  /** The member connection is closed after this exchange, never reused (an ambiguous request in defensive mode). */
  readonly closeMember?: boolean;
}

/** What the request's owner learns of the forwarding. */
export interface ForwardObserver {
  /** The member exchange in progress (set here), so that the client going away can stop it. */
  upstream: MemberExchange | null;
  /** Called once the member (if any) answering this request is known, and when it answered. */
  onMember(member: MemberRuntime): void;
  onUpstreamResponse(): void;
  /** elbow answered itself with a 5xx. */
  onFailure(): void;
}

/** elbow's own answer to a forwarded request, with the listener's HSTS header. */
function answer(job: ForwardJob, kind: ElbowAnswer, detail: string, close = false): void {
  if (job.hsts !== null && !job.res.headersSent) job.res.setHeader('strict-transport-security', job.hsts);
  sendAnswer(job.res, kind, detail, close);
}

/** Sets a header in a flat [name, value, …] list, replacing the member's (HSTS is elbow's to say). */
function setFlatHeader(flat: string[], lowerName: string, name: string, value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if ((flat[i] ?? '').toLowerCase() !== lowerName) out.push(flat[i] ?? '', flat[i + 1] ?? '');
  out.push(name, value);
  return out;
}

/** True when the request carries no body, so it can be sent again. */
function hasNoBody(req: IncomingMessage): boolean {
  if (req.httpVersionMajor >= 2) return (req as unknown as { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders === true;
  const headers = req.headers;
  const length = headers['content-length'];
  return headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/** The client sent Expect: 100-continue and waits for elbow's go-ahead (Node's checkContinue). */
function waitsForContinue(req: IncomingMessage): boolean {
  const expect = req.headers.expect;
  return expect !== undefined && (req.httpVersionMajor >= 2 || req.httpVersion === '1.1') && expect.toLowerCase() === '100-continue';
}

/**
 * The client can no longer take the answer. An HTTP/2 response has no `destroyed`: its stream
 * tells (closed by a reset, or the connection went away).
 */
function responseGone(res: ServerResponse): boolean {
  return res.destroyed || (res as unknown as { stream?: { destroyed: boolean } }).stream?.destroyed === true;
}

export function forwardRequest(job: ForwardJob): void {
  const noBody = hasNoBody(job.req);
  attempt(job, noBody, IDEMPOTENT.has(job.req.method ?? '') && noBody, 1, NO_EXCLUSION);
}

/** `fallback`: the exclusions to try when no member is left outside `exclude`. */
function attempt(job: ForwardJob, noBody: boolean, retryable: boolean, number: number, exclude: ReadonlySet<string>, fallback?: ReadonlySet<string>): void {
  let member = chooseMember(job.pool, job.client, job.boundMemberId, exclude);
  if (!member && fallback !== undefined) member = chooseMember(job.pool, job.client, job.boundMemberId, fallback);
  if (!member) {
    job.observer.onFailure();
    answer(job, 'no-member', `no member of pool ${job.pool.config.name || job.pool.config.id} is available`);
    return;
  }
  if (member.id !== job.boundMemberId && job.upstreams.isFull(member.config)) member = notFull(job, exclude) ?? member;
  job.observer.onMember(member);
  const exchange = new MemberExchange(job, member, noBody, retryable, number, exclude);
  job.observer.upstream = exchange;
  exchange.start();
}

/** Another member of the pool with a connection to spare, when the chosen one has none. */
function notFull(job: ForwardJob, exclude: ReadonlySet<string>): MemberRuntime | undefined {
  const skip = new Set(exclude);
  for (const member of job.pool.config.members) if (job.upstreams.isFull(member)) skip.add(member.id);
  return job.pool.pick(job.client, skip);
}

/** One attempt at one member: waits for a member connection if need be, then is the undici dispatch handler relaying the member's answer to the client. */
export class MemberExchange implements Dispatcher.DispatchHandler, ConnectionWaiter {
  /** The member connections this attempt takes one of. */
  private connections: ConnectionSet | null = null;
  /** The member connection carrying the request (null: none yet, or released). */
  private client: Client | null = null;
  /** Lets the member's answer flow again after onData returned false. */
  private resumeUpstream: (() => void) | null = null;
  /** The request went out on a member connection (the connect, if any, succeeded). */
  private started = false;
  private responded = false;
  /** Waiting in line for a member connection. */
  private waiting = false;
  /** The exchange is over (answered, failed, or stopped); abort() has nothing left to stop. */
  private finished = false;
  private clientGone = false;
  /** The request body on its way to the member (null: none). */
  private body: PassThrough | null = null;
  private resumeOnDrain: (() => void) | null = null;

  constructor(
    private readonly job: ForwardJob,
    private readonly member: MemberRuntime,
    private readonly noBody: boolean,
    private readonly retryable: boolean,
    private readonly number: number,
    private readonly exclude: ReadonlySet<string>,
  ) {}

  start(): void {
    const { job, member } = this;
    const { pool, timeouts } = job;
    const tls = pool.config.tls;
    const connections = tls === null
      ? job.upstreams.plainConnections(member.config, timeouts.memberConnect)
      : job.upstreams.tlsConnections(member.config, tls, job.host, timeouts.memberConnect);
    this.connections = connections;
    member.acquire();
    const client = connections.take(this, timeouts.memberConnect);
    if (client === null) this.waiting = true;
    else this.send(client);
  }

  /** A member connection freed up for this request, which waited in line. */
  granted(client: Client): void {
    this.waiting = false;
    this.send(client);
  }

  /** No member connection freed up within timeout_member_connect: 503. */
  expired(): void {
    this.waiting = false;
    this.finish();
    const { job } = this;
    job.observer.onFailure();
    const where = `${this.member.config.address}:${this.member.config.port}`;
    answer(job, 'member-busy', `member ${where} has no connection to spare (all in use) and none freed up within timeout_member_connect (${job.timeouts.memberConnect} ms)`, !job.req.complete);
  }

  private send(client: Client): void {
    this.client = client;
    const { req, headers, timeouts } = this.job;
    // A pipe into a PassThrough, not the request itself: undici destroys the body stream it is
    // given when the exchange ends early, and destroying the request would cut the client.
    if (!this.noBody) this.body = req.pipe(new PassThrough());
    client.dispatch({
      path: req.url ?? '/',
      method: req.method ?? 'GET',
      headers,
      body: this.body,
      headersTimeout: timeouts.memberData,
      bodyTimeout: timeouts.memberData,
      // undici sends Connection: close and closes the socket after the answer.
      reset: this.job.closeMember === true,
    }, this);
  }

  /** The client went away: stop the member's work too, wherever the exchange is. */
  abort(): void {
    if (this.clientGone) return;
    this.clientGone = true;
    if (this.finished) return;
    if (this.waiting) {
      this.waiting = false;
      this.connections?.cancel(this);
      this.finish();
      return;
    }
    // Destroying the connection fails the request at undici, whose onError() releases it.
    this.client?.destroy(CLIENT_GONE, noop);
  }

  onConnect(abort: (error?: Error) => void): void {
    this.started = true;
    if (this.clientGone) {
      abort(CLIENT_GONE);
      return;
    }
    const { req, res } = this.job;
    if (!res.headersSent && waitsForContinue(req)) res.writeContinue();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusMessage: string): boolean {
    // 1xx (103 Early Hints…) are not relayed; 100 never reaches here (no Expect is sent).
    if (statusCode < 200) return true;
    this.responded = true;
    this.resumeUpstream = resume;
    const { job } = this;
    const { req, res } = job;
    job.observer.onUpstreamResponse();
    if (this.clientGone || responseGone(res)) {
      this.abort();
      return false;
    }
    const persistence = job.pool.config.sessionPersistence;
    let out: string[];
    if (persistence === null) out = clientResponseHeaders(rawHeaders);
    else {
      const list = clientResponseHeaderList(rawHeaders);
      persistFromResponse(persistence, this.member.id, job.boundMemberId, list, job.appCookies);
      out = toFlat(list);
    }
    if (job.hsts !== null) out = setFlatHeader(out, 'strict-transport-security', 'Strict-Transport-Security', job.hsts);
    if (req.httpVersionMajor < 2 && statusMessage) res.writeHead(statusCode, statusMessage, out);
    else res.writeHead(statusCode, out);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.clientGone) return true;
    const { res } = this.job;
    if (res.write(chunk)) return true;
    if (responseGone(res)) {
      this.abort();
      return true;
    }
    // The client reads slower than the member sends: hold the member until the client drains.
    res.once('drain', (this.resumeOnDrain ??= () => this.resumeUpstream?.()));
    return false;
  }

  onComplete(): void {
    this.finish(true);
    this.job.res.end();
  }

  onError(error: Error): void {
    this.finish();
    const { job } = this;
    const { req, res } = job;
    if (this.clientGone || responseGone(res)) return;
    if (this.responded) {
      // A member that answered early (e.g. 413) and then stopped reading does not cut an answer
      // that already reached the client; an answer still streaming cannot be finished.
      if (!res.writableFinished) res.destroy();
      return;
    }
    const code = (error as { code?: string }).code ?? '';
    const where = `${this.member.config.address}:${this.member.config.port}`;
    if (!this.started && REFUSED_BY_CLIENT_CODES.has(code)) {
      job.observer.onFailure();
      answer(job, 'member-failed', `request to member ${where} not sent: ${error.message}`, !req.complete);
      return;
    }
    if (!this.started && isConnectFailure(error)) {
      this.member.reportConnectFailure(error);
      this.retryOrFail(error, true);
      return;
    }
    if (this.retryable && STALE_CONNECTION_CODES.has(code)) {
      // A kept-alive connection the member closed just before reuse: the request never arrived.
      this.retryOrFail(error, false);
      return;
    }
    job.observer.onFailure();
    if (code === 'UND_ERR_HEADERS_TIMEOUT') answer(job, 'member-timeout', `member ${where} sent no answer within timeout_member_data (${job.timeouts.memberData} ms)`);
    else answer(job, 'member-failed', `member ${where} failed: ${error.message}`, !req.complete);
  }

  /** The member never saw the request: try another member once when that is safe, else 502. */
  private retryOrFail(error: Error, connectFailed: boolean): void {
    const { job } = this;
    if (this.retryable && this.number < MAX_ATTEMPTS && !job.res.headersSent) {
      const exclude = new Set(this.exclude).add(this.member.id);
      // A stale connection is no fault of the member: without another member, it gets the retry.
      attempt(job, this.noBody, this.retryable, this.number + 1, exclude, connectFailed ? undefined : this.exclude);
      return;
    }
    job.observer.onFailure();
    const where = `${this.member.config.address}:${this.member.config.port}`;
    answer(job, 'connect-failed', `could not connect to member ${where}: ${error.message}`);
  }

  /**
   * The exchange is over: the member and its connection are released (a connection is reused
   * only after a clean end), a request body still arriving is dropped.
   */
  private finish(clean = false): void {
    if (this.finished) return;
    this.finished = true;
    this.member.release();
    const client = this.client;
    if (client !== null) {
      this.client = null;
      this.connections?.release(client, clean);
    }
    this.stopBody();
  }

  /** The exchange is over: a request body still arriving is read and dropped, not sent. */
  private stopBody(): void {
    const body = this.body;
    if (body === null) return;
    this.body = null;
    const { req } = this.job;
    if (!req.readableEnded) {
      req.unpipe(body);
      req.resume();
    }
  }
}
