// The answers elbow gives itself (not a member): a status and a short text body naming the cause,
// so an operator can tell elbow's 502/503/504 from a member's.

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ServerResponse } from 'node:http';

export type ElbowAnswer =
  | 'malformed' // 400: request smuggling / malformed request
  | 'not-allowed' // 405: CONNECT (elbow is no forward proxy); sent with ALLOWED_METHODS
  | 'forbidden' // 403: REJECT policy
  | 'no-pool' // 503: no pool to forward to, or the pool is disabled
  | 'no-member' // 503: no member available
  | 'member-busy' // 503: the member's connections stayed all in use for the wait bound
  | 'connect-failed' // 502
  | 'member-failed' // 502
  | 'member-timeout'; // 504

const ANSWERS: Record<ElbowAnswer, number> = {
  malformed: 400,
  'not-allowed': 405,
  forbidden: 403,
  'no-pool': 503,
  'no-member': 503,
  'member-busy': 503,
  'connect-failed': 502,
  'member-failed': 502,
  'member-timeout': 504,
};

export function statusOf(answer: ElbowAnswer): number {
  return ANSWERS[answer];
}

/** The Allow header of a 405: the methods elbow forwards (any but CONNECT; these are the standard ones). */
export const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE';

/** Writes elbow's own answer; `close` ends the client connection after it (HTTP/1 only). */
export function sendAnswer(res: ServerResponse, answer: ElbowAnswer, detail: string, close = false): void {
  if (res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = ANSWERS[answer];
  const body = `${status} ${STATUS_CODES[status] ?? ''}: ${detail}\n`;
  const headers: Record<string, string | number> = { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' };
  if (close && res.req.httpVersionMajor < 2) headers.connection = 'close';
  if (answer === 'not-allowed') headers.allow = ALLOWED_METHODS;
  res.writeHead(status, headers);
  res.end(body);
}

/** An answer on a raw socket (parser errors and upgrade requests), then the connection closes. */
export function writeRawAnswer(socket: Socket, status: number, detail: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${status} ${STATUS_CODES[status] ?? ''}: ${detail}\n`;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
