// Upgrade requests (WebSocket and others): route like any request, connect to a member (with the
// data plane's connect-and-retry), replay the request head with the Upgrade headers kept, then
// splice the two sockets; the member's 101 and everything after flow through untouched.

import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connectMember } from '../proxy/connect-member.js';
import { abort, splice } from '../proxy/splice.js';
import { upstreamTlsOptions } from '../tls/upstream-tls.js';
import { writeRawAnswer } from './error-responses.js';
import { toOutgoing } from './forwarded-headers.js';
import type { ProxyState } from './proxy-generation.js';
import { memberHeaders, requestFacts } from './request-handler.js';
import { screenRequest } from './request-screening.js';
import { stripInsertedCookie } from './session-cookies.js';

function requestHead(req: IncomingMessage, headers: Record<string, string | string[]>): Buffer {
  let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
  }
  return Buffer.from(`${head}\r\n`, 'latin1');
}

export function handleUpgrade(state: ProxyState, req: IncomingMessage, client: Socket, head: Buffer): void {
  const generation = state.current;
  const { context, config } = generation;
  client.on('error', () => undefined);
  const refuse = (status: number, detail: string): void => {
    context.stats.requestError();
    context.stats.httpResponse(status, 0);
    writeRawAnswer(client, status, detail);
  };
  const problem = screenRequest(req.method ?? '', req.httpVersion, req.rawHeaders);
  if (problem !== null) return refuse(400, `request refused: ${problem}`);
  const facts = requestFacts(req, generation);
  const decision = generation.route(facts);
  if (decision.kind === 'reject') return refuse(403, 'request rejected by a forwarding policy');
  if (decision.kind === 'redirect' || decision.kind === 'fixed') {
    const status = decision.status;
    const extra = decision.kind === 'redirect' ? `location: ${decision.location}\r\n` : `content-type: ${decision.contentType}\r\n`;
    const body = decision.kind === 'fixed' ? decision.body : '';
    client.end(`HTTP/1.1 ${status} \r\n${extra}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    return;
  }
  const pool = decision.poolId === null ? undefined : context.pool(decision.poolId);
  if (!pool || !pool.config.enabled) return refuse(503, 'no pool is serving this request');

  const headers = memberHeaders(req, generation, state.scheme, true);
  stripInsertedCookie(pool.config.sessionPersistence, headers);
  const address = { address: client.remoteAddress ?? '', port: client.remotePort ?? 0 };
  client.pause();
  void connectMember(pool, address, config.timeouts.memberConnect, () => client.destroyed).then((connection) => {
    if (!connection) {
      if (!client.destroyed) refuse(503, 'no member of the pool could be reached');
      return;
    }
    const { member: runtime } = connection;
    const tlsOptions = pool.config.protocol === 'HTTPS' ? upstreamTlsOptions(pool.config.tls ?? { caPem: null, clientCertificate: null, sni: true }, facts.host) : null;
    const member: Socket = tlsOptions ? tlsConnect({ ...tlsOptions, socket: connection.socket }) : connection.socket;
    member.setTimeout(config.timeouts.memberData, () => member.destroy());
    client.setTimeout(config.timeouts.clientData, () => client.destroy());
    member.write(requestHead(req, toOutgoing(headers)));
    if (head.length > 0) member.write(head);
    const unretire = runtime.onRetired?.(() => {
      abort(client, true);
      abort(member, true);
    });
    splice(client, member, {
      bytesIn: (count) => context.stats.bytesIn(count),
      bytesOut: (count) => context.stats.bytesOut(count),
      done: (failed) => {
        unretire?.();
        runtime.release();
        if (failed) context.stats.requestError();
      },
    });
  });
}
