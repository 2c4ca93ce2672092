// Forwards one HTTP request to a member of a pool and streams the answer back: a keep-alive
// connection per member, bodies piped both ways (backpressure, never buffered whole),
// 100-continue relayed, timeout_member_connect and timeout_member_data enforced, and a request
// that is safe to repeat (idempotent, no body) retried once on another member when the connect
// failed. elbow's own errors: 502 (member failed), 503 (no member), 504 (member too slow).

import { request as httpRequest, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { ClientAddress, MemberRuntime, PoolRuntime } from '../listener-runtime.js';
import { upstreamTlsOptions } from '../tls/upstream-tls.js';
import { chooseMember } from './choose-member.js';
import { sendAnswer } from './error-responses.js';
import { responseHeaders, toOutgoing, type HeaderList } from './forwarded-headers.js';
import { persistFromResponse, type AppCookieTable } from './session-cookies.js';
import type { UpstreamAgents } from './upstream-agents.js';

/** Methods a proxy may repeat (RFC 9110 §9.2.2) when the first member could not be reached. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Attempts per request when connects fail: the first member and one other. */
const MAX_ATTEMPTS = 2;

class ConnectTimeoutError extends Error {}
class MemberTimeoutError extends Error {}

export interface ForwardJob {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly pool: PoolRuntime;
  readonly client: ClientAddress;
  /** Headers for the member (hop-by-hop removed, insert_headers applied). */
  readonly headers: HeaderList;
  readonly host: string;
  readonly boundMemberId: string | undefined;
  readonly appCookies: AppCookieTable | undefined;
  readonly agents: UpstreamAgents;
  readonly timeouts: { readonly memberConnect: number; readonly memberData: number };
  /** Called once the member (if any) answering this request is known, and when it answered. */
  onMember(member: MemberRuntime): void;
  onUpstreamResponse(): void;
  /** elbow answered itself with a 5xx. */
  onFailure(): void;
}

/** True when the request carries no body, so it can be sent again. */
function hasNoBody(req: IncomingMessage): boolean {
  if (req.httpVersionMajor >= 2) return (req as unknown as { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders === true;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

export function forwardRequest(job: ForwardJob): void {
  const retryable = IDEMPOTENT.has(job.req.method ?? '') && hasNoBody(job.req);
  const exclude = new Set<string>();
  const attempt = (number: number): void => {
    const member = chooseMember(job.pool, job.client, job.boundMemberId, exclude);
    if (!member) {
      job.onFailure();
      sendAnswer(job.res, 'no-member', `no member of pool ${job.pool.config.name || job.pool.config.id} is available`);
      return;
    }
    job.onMember(member);
    send(job, member, retryable, (error) => {
      // Only a failed connect may be retried: the member never saw the request.
      if (retryable && number < MAX_ATTEMPTS && !job.res.headersSent && !job.res.destroyed) {
        exclude.add(member.id);
        attempt(number + 1);
        return;
      }
      job.onFailure();
      sendAnswer(job.res, 'connect-failed', `could not connect to member ${member.config.address}:${member.config.port}: ${error.message}`);
    });
  };
  attempt(1);
}

function send(job: ForwardJob, member: MemberRuntime, retryable: boolean, connectFailed: (error: Error) => void): void {
  const { req, res } = job;
  const tls = job.pool.config.protocol === 'HTTPS' ? job.pool.config.tls : null;
  const isTls = job.pool.config.protocol === 'HTTPS';
  member.acquire();
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    member.release();
  };
  let connected = false;
  let responded = false;
  let connectTimer: NodeJS.Timeout | undefined;

  const options = {
    agent: job.agents.agentFor(member.config, isTls),
    host: member.config.address,
    port: member.config.port,
    method: req.method,
    path: req.url,
    headers: toOutgoing(job.headers),
    // Host is kept as the client sent it; an HTTP/1.0 client without one gets the member's.
    setHost: !job.headers.has('host'),
    ...(isTls ? upstreamTlsOptions(tls ?? { caPem: null, clientCertificate: null, sni: true }, job.host) : {}),
  };
  const upstream: ClientRequest = isTls ? httpsRequest(options) : httpRequest(options);

  upstream.on('socket', (socket: Socket) => {
    if (!socket.connecting) {
      connected = true;
      return;
    }
    connectTimer = setTimeout(() => upstream.destroy(new ConnectTimeoutError(`connect timed out after ${job.timeouts.memberConnect} ms`)), job.timeouts.memberConnect);
    socket.once('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
    });
  });
  upstream.setTimeout(job.timeouts.memberData, () => upstream.destroy(new MemberTimeoutError(`no data from the member for ${job.timeouts.memberData} ms`)));
  upstream.on('continue', () => {
    if (!res.headersSent) res.writeContinue();
  });

  upstream.on('response', (answer: IncomingMessage) => {
    responded = true;
    job.onUpstreamResponse();
    const headers = responseHeaders(answer.rawHeaders);
    persistFromResponse(job.pool.config.sessionPersistence, member.id, job.boundMemberId, headers, job.appCookies);
    if (res.destroyed) {
      answer.destroy();
      return release();
    }
    if (req.httpVersionMajor < 2 && answer.statusMessage) res.statusMessage = answer.statusMessage;
    res.writeHead(answer.statusCode ?? 502, toOutgoing(headers));
    answer.pipe(res);
    answer.once('end', release);
    // The member went away mid-body: the client cannot be told otherwise than by a cut.
    answer.once('aborted', () => res.destroy());
    answer.once('error', () => res.destroy());
    answer.once('close', release);
  });

  upstream.on('error', (error: Error) => {
    clearTimeout(connectTimer);
    release();
    if (responded) {
      // A member that answered early (e.g. 413) and then stopped reading does not cut an answer
      // that already reached the client; an answer still streaming cannot be finished.
      if (!res.writableFinished) res.destroy();
      return;
    }
    // A kept-alive connection the member closed just before reuse: the request never arrived.
    const staleReuse = upstream.reusedSocket && 'code' in error && error.code === 'ECONNRESET' && retryable;
    if (!connected || error instanceof ConnectTimeoutError || staleReuse) {
      if (!staleReuse) member.reportConnectFailure(error);
      connectFailed(error);
      return;
    }
    job.onFailure();
    if (error instanceof MemberTimeoutError) sendAnswer(res, 'member-timeout', `member ${member.config.address}:${member.config.port} sent no answer within timeout_member_data (${job.timeouts.memberData} ms)`);
    else sendAnswer(res, 'member-failed', `member ${member.config.address}:${member.config.port} failed: ${error.message}`, !req.complete);
  });

  // The client went away: stop the member's work too.
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });

  if (retryable) upstream.end();
  else req.pipe(upstream);
}
