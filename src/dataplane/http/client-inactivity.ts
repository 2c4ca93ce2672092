// timeout_client_data on L7 listeners: how long elbow waits for a client, per HTTP/1 connection and
// per HTTP/2 stream (and for an HTTP/2 connection with no stream open). As HAProxy's `timeout
// client`, it runs only while elbow waits on the client: for the rest of a request body it reads,
// or for the client to take an answer elbow has ready (a zero flow-control window, a socket the
// client stopped reading). A request waiting on its member is the member's business
// (timeout_member_data), so an idle timer that fires then is armed again.
//
// The timers are Node's own (socket, Http2Session and Http2Stream setTimeout, refreshed by every
// read and write); this module decides what their firing means (HTTP/2: http2-sessions.ts).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The exchange waits on the client: output it has not taken, or a request body elbow is reading
 * (not holding back for a slow member) that has not all arrived, or one nobody will read since
 * the answer is over.
 */
export function waitsOnClient(pendingOutput: number, requestEnded: boolean, readingPaused: boolean, answerEnded: boolean): boolean {
  if (pendingOutput > 0) return true;
  return !requestEnded && (!readingPaused || answerEnded);
}

/** An HTTP/1 connection's idle timer fired: close it unless its request waits on its member. */
export function onHttp1Idle(socket: Socket, timeoutMs: number): void {
  const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (res === null || res === undefined || res.writableFinished) {
    socket.destroy();
    return;
  }
  const req: IncomingMessage = res.req;
  if (waitsOnClient(res.writableLength, req.complete, req.readableFlowing === false, res.writableEnded)) socket.destroy();
  else socket.setTimeout(timeoutMs);
}
