// Upgrade requests (WebSocket and others that upgrade-admission.ts lets through): screened,
// normalized and routed like any request, sent to a member (with the data plane's
// connect-and-retry) with the Upgrade headers kept, and the member's answer read by Node's HTTP
// client parser. Only a 101 turns the connection into a tunnel: then the member's 101 goes to the
// client and the two sockets are spliced. Any other answer is relayed as an ordinary response and
// the connection closes after it: bytes the client sent behind the upgrade request were never
// screened, so they are never forwarded.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { MemberRuntime, PoolRuntime } from '../listener-runtime.js';
import { connectMember } from '../proxy/connect-member.js';
import { abort, splice } from '../proxy/splice.js';
import { upstreamTlsOptions } from '../tls/upstream-tls.js';
import { writeRawAnswer } from './error-responses.js';
import { toFlat, type HeaderList } from './forwarded-headers.js';
import type { ProxyGeneration, ProxyState } from './proxy-generation.js';
import { memberHeaders, normalizeRequest, requestFacts } from './request-handler.js';
import { screenRequest } from './request-screening.js';
import { stripInsertedCookie } from './session-cookies.js';

/** Response headers that describe the member's connection, not the answer the client gets. */
const HOP_BY_HOP_ANSWER = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/** A raw HTTP/1.1 response head from a parsed answer; `extra` lines are appended. */
function responseHead(answer: IncomingMessage, keep: (name: string) => boolean, extra = ''): string {
  let head = `HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}\r\n`;
  const raw = answer.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (keep(name.toLowerCase())) head += `${name}: ${raw[i + 1] ?? ''}\r\n`;
  }
  return `${head}${extra}\r\n`;
}

export function handleUpgrade(state: ProxyState, req: IncomingMessage, client: Socket, head: Buffer): void {
  const generation = state.current;
  const { context } = generation;
  client.on('error', () => undefined);
  const refuse = (status: number, detail: string): void => {
    context.stats.requestError();
    context.stats.httpResponse(status, 0);
    writeRawAnswer(client, status, detail);
  };
  // A tunnel cannot be closed after one answer: ambiguous upgrade requests are refused in every mode.
  const problem = screenRequest(req.method ?? '', req.httpVersion, req.rawHeaders)?.reason ?? normalizeRequest(req);
  if (problem !== null) return refuse(400, `request refused: ${problem}`);
  const facts = requestFacts(req, generation);
  const decision = generation.route(facts);
  if (decision.kind === 'reject') return refuse(403, 'request rejected by a forwarding policy');
  if (decision.kind === 'redirect' || decision.kind === 'fixed') {
    const status = decision.status;
    const extra = decision.kind === 'redirect' ? `location: ${decision.location}\r\n` : `content-type: ${decision.contentType}\r\n`;
    const body = decision.kind === 'fixed' ? decision.body : '';
    context.stats.httpResponse(status, 0);
    client.end(`HTTP/1.1 ${status} \r\n${extra}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    return;
  }
  const pool = decision.poolId === null ? undefined : context.pool(decision.poolId);
  if (!pool || !pool.config.enabled) return refuse(503, 'no pool is serving this request');

  const headers = memberHeaders(req, generation, state.scheme, true);
  stripInsertedCookie(pool.config.sessionPersistence, headers);
  // Nothing the client sends after the request head moves before the member agreed to upgrade.
  client.pause();
  void openTunnel(generation, pool, req, client, head, headers, facts.host, refuse);
}

async function openTunnel(
  generation: ProxyGeneration,
  pool: PoolRuntime,
  req: IncomingMessage,
  client: Socket,
  clientHead: Buffer,
  headers: HeaderList,
  host: string,
  refuse: (status: number, detail: string) => void,
): Promise<void> {
  const { config } = generation;
  const address = { address: client.remoteAddress ?? '', port: client.remotePort ?? 0 };
  const connection = await connectMember(pool, address, config.timeouts.memberConnect, () => client.destroyed);
  if (!connection) {
    if (!client.destroyed) refuse(503, 'no member of the pool could be reached');
    return;
  }
  const runtime = connection.member;
  const tlsOptions = pool.config.tls === null ? null : upstreamTlsOptions(pool.config.tls, host);
  const member: Socket = tlsOptions ? tlsConnect({ ...tlsOptions, socket: connection.socket }) : connection.socket;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    runtime.release();
  };
  let answered = false;
  member.on('error', () => undefined);
  const upstream = httpRequest({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: toFlat(headers),
    setHost: false,
    createConnection: () => member,
    timeout: config.timeouts.memberData,
  });
  upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
  upstream.on('error', (error) => {
    if (answered) return;
    answered = true;
    release();
    member.destroy();
    if (client.destroyed) return;
    const timedOut = error.message === 'timeout';
    refuse(timedOut ? 504 : 502, timedOut ? `member sent no answer within timeout_member_data (${config.timeouts.memberData} ms)` : `member failed: ${error.message}`);
  });
  client.once('close', () => {
    if (!answered) upstream.destroy();
  });
  upstream.on('upgrade', (answer: IncomingMessage, upgraded: Socket, memberHead: Buffer) => {
    answered = true;
    startTunnel(generation, runtime, release, answer, client, clientHead, upgraded, memberHead);
  });
  upstream.on('response', (answer: IncomingMessage) => {
    answered = true;
    relayDeclined(generation, answer, client, () => {
      release();
      member.destroy();
    });
  });
  upstream.end();
}

/** The member switched protocols: its 101 goes to the client, then bytes flow both ways. */
function startTunnel(
  generation: ProxyGeneration,
  runtime: MemberRuntime,
  release: () => void,
  answer: IncomingMessage,
  client: Socket,
  clientHead: Buffer,
  member: Socket,
  memberHead: Buffer,
): void {
  const { context, config } = generation;
  context.stats.httpResponse(101, 0);
  member.setTimeout(config.timeouts.memberData, () => member.destroy());
  client.setTimeout(config.timeouts.clientData, () => client.destroy());
  client.write(responseHead(answer, () => true));
  if (memberHead.length > 0) client.write(memberHead);
  if (clientHead.length > 0) member.write(clientHead);
  const unretire = runtime.onRetired?.(() => {
    abort(client, true);
    abort(member, true);
  });
  splice(client, member, {
    bytesIn: (count) => context.stats.bytesIn(count),
    bytesOut: (count) => context.stats.bytesOut(count),
    done: (failed) => {
      unretire?.();
      release();
      if (failed) context.stats.requestError();
    },
  });
}

/**
 * The member answered without switching protocols: its answer is relayed as an ordinary
 * response (body de-chunked, delimited by the close), and the client connection ends with it.
 */
function relayDeclined(generation: ProxyGeneration, answer: IncomingMessage, client: Socket, done: () => void): void {
  const { context, config } = generation;
  context.stats.httpResponse(answer.statusCode ?? 502, 0);
  if (client.destroyed) {
    answer.destroy();
    done();
    return;
  }
  client.setTimeout(config.timeouts.clientData, () => client.destroy());
  const hsts = generation.hsts === null ? '' : `strict-transport-security: ${generation.hsts}\r\n`;
  const keep = (name: string): boolean => !HOP_BY_HOP_ANSWER.has(name) && !name.startsWith('proxy-') && (hsts === '' || name !== 'strict-transport-security');
  client.write(responseHead(answer, keep, `${hsts}connection: close\r\n`));
  answer.on('data', (chunk: Buffer) => {
    context.stats.bytesOut(chunk.length);
    if (!client.write(chunk)) answer.pause();
  });
  client.on('drain', () => answer.resume());
  answer.once('end', () => {
    done();
    // Whatever the client sent behind its request is read and dropped until it closes.
    client.end();
    client.on('data', () => undefined);
    client.resume();
  });
  answer.once('error', () => {
    done();
    client.destroy();
  });
}
