// What elbow watches on every HTTP/2 connection of an L7 listener, beyond Node's own limits
// (SETTINGS_MAX_CONCURRENT_STREAMS, set at the server, with Node refusing streams past it and
// closing a connection that keeps trying; maxSessionRejectedStreams, maxSessionInvalidFrames; and
// nghttp2's own cap on stream resets, 1000 at once then 33/s, all kept):
// - Rapid Reset (CVE-2023-44487): streams the client resets before their answer is done draw on
//   a token bucket (a burst, then a rate); a connection that overdraws it gets GOAWAY
//   ENHANCE_YOUR_CALM and is closed.
// - timeout_client_data per stream: a stream idle that long while elbow waits on the client
//   (client-inactivity.ts) is reset with CANCEL, so a stalled stream gives back its member
//   connection and its memory. A stream waiting on its member keeps its timer armed.
// - timeout_client_data per connection: a connection with no stream open that long is closed
//   (GOAWAY, then FIN); one with streams open leaves them to their own timers.

import { constants as http2, type Http2Session, type ServerHttp2Stream } from 'node:http2';
import { HTTP2_MAX_CONCURRENT_STREAMS } from '../../model/data-plane-limits.js';
import { waitsOnClient } from './client-inactivity.js';

export interface Http2Limits {
  /** SETTINGS_MAX_CONCURRENT_STREAMS: streams open at once per connection (HAProxy's and nginx's default, 100). */
  readonly maxConcurrentStreams: number;
  /** Streams a client may reset before their answer is done, all at once… */
  readonly streamResetBurst: number;
  /** …and then per second, before its connection is closed (GOAWAY ENHANCE_YOUR_CALM). */
  readonly streamResetsPerSecond: number;
}

export const DEFAULT_HTTP2_LIMITS: Http2Limits = { maxConcurrentStreams: HTTP2_MAX_CONCURRENT_STREAMS, streamResetBurst: 200, streamResetsPerSecond: 50 };

/** What a session watch asks of its listener, read when needed (the configuration may change). */
export interface SessionListener {
  /** timeout_client_data in ms. */
  readonly clientTimeoutMs: number;
  /** A connection is closed for resetting streams too fast. */
  onRapidReset(session: Http2Session): void;
}

const WATCH = Symbol('elbow.http2Watch');
const RAPID_RESET = new Error('streams reset faster than the listener allows (Rapid Reset)');
const RESET_BY_ELBOW = Symbol('elbow.resetByElbow');

type WatchedSession = Http2Session & { [WATCH]?: SessionWatch };
type WatchedStream = ServerHttp2Stream & { [WATCH]?: SessionWatch; [RESET_BY_ELBOW]?: boolean };

class SessionWatch {
  openStreams = 0;
  private tokens: number;
  private refilledAt = performance.now();
  private closing = false;
  readonly idle = (): void => this.onIdle();

  constructor(
    readonly session: Http2Session,
    private readonly limits: Http2Limits,
    readonly listener: SessionListener,
  ) {
    this.tokens = limits.streamResetBurst;
  }

  /** A stream the client reset before its answer was done. */
  resetByClient(): void {
    if (this.closing) return;
    const now = performance.now();
    const { streamResetBurst, streamResetsPerSecond } = this.limits;
    this.tokens = Math.min(streamResetBurst, this.tokens + ((now - this.refilledAt) * streamResetsPerSecond) / 1000) - 1;
    this.refilledAt = now;
    if (this.tokens >= 0) return;
    this.closing = true;
    this.listener.onRapidReset(this.session);
    // Not from inside nghttp2's callback that reported the reset.
    setImmediate(() => {
      if (!this.session.destroyed) this.session.destroy(RAPID_RESET, http2.NGHTTP2_ENHANCE_YOUR_CALM);
    });
  }

  private onIdle(): void {
    const { session } = this;
    if (session.destroyed || session.closed) return;
    if (this.openStreams > 0) session.setTimeout(this.listener.clientTimeoutMs, this.idle);
    else session.close();
  }
}

/** Starts watching a new HTTP/2 connection. */
export function watchHttp2Session(session: Http2Session, limits: Http2Limits, listener: SessionListener): void {
  const watch = new SessionWatch(session, limits, listener);
  (session as WatchedSession)[WATCH] = watch;
  session.setTimeout(listener.clientTimeoutMs, watch.idle);
  session.on('stream', onStream);
}

function onStream(this: WatchedSession, stream: WatchedStream): void {
  const watch = this[WATCH];
  if (watch === undefined) return;
  watch.openStreams += 1;
  stream[WATCH] = watch;
  // on(), not once(): each fires at most once, and once() would wrap every listener per stream.
  stream.on('close', onStreamClose);
  stream.on('aborted', onStreamAborted);
  armStreamTimer(stream, watch.listener.clientTimeoutMs);
}

/**
 * Node's Http2Stream timer holds off while its connection sends anything at all
 * (lib/internal/http2/core.js `_onTimeout`): a stream stalled beside a busy one, or beside other
 * stalled streams being reset, would not time out. Its own activity is what counts here: the
 * timer is refreshed by the stream's reads and writes (a write reaches the stream once the one
 * before it went out), and on expiry onStreamIdle decides.
 */
function armStreamTimer(stream: WatchedStream, timeoutMs: number): void {
  (stream as unknown as { _onTimeout: () => void })._onTimeout = onStreamIdle;
  stream.setTimeout(timeoutMs);
}

function onStreamClose(this: WatchedStream): void {
  const watch = this[WATCH];
  if (watch !== undefined) watch.openStreams -= 1;
}

/**
 * The stream closed before elbow ended its answer. The client's doing unless elbow reset it
 * (marked) or destroyed it (an answer it could not finish, or the whole connection going away):
 * Node destroys a stream before it reports 'aborted' for those.
 */
function onStreamAborted(this: WatchedStream): void {
  if (this.destroyed || this[RESET_BY_ELBOW] === true) return;
  const watch = this[WATCH];
  if (watch === undefined || watch.session.destroyed || watch.session.closed) return;
  watch.resetByClient();
}

function onStreamIdle(this: WatchedStream): void {
  const watch = this[WATCH];
  if (watch === undefined || this.destroyed) return;
  const requestEnded = this.endAfterHeaders || this.readableEnded;
  if (waitsOnClient(this.writableLength, requestEnded, this.readableFlowing === false, this.writableEnded)) {
    this[RESET_BY_ELBOW] = true;
    this.close(http2.NGHTTP2_CANCEL);
  } else {
    armStreamTimer(this, watch.listener.clientTimeoutMs);
  }
}
