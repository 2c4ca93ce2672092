// Access logs of HAProxy listeners in the Node engine's format (JSON lines, one per request, in
// <dir>/<listener id>.log, or through elbow's log): HAProxy sends each entry as a compact JSON
// syslog datagram (render-frontend.ts log-format) to this receiver on 127.0.0.1, which completes
// it into elbow's fields. Ambiguous requests forwarded (desync_mitigation_mode) are reported in
// elbow's log from the same datagrams.

import { createSocket, type Socket } from 'node:dgram';
import { AccessLog, type AccessLogEntry } from '../../logging/access-log.js';
import type { EngineLogger } from './haproxy-process.js';

interface HaproxyEntry {
  l: string;
  c: string;
  s: string;
  m: string;
  u: string;
  st: number;
  bi: number;
  bo: number;
  ta: number;
  tr: number;
  t: number;
  /** 1: the listener's access log wants the entry. */
  w?: number;
  /** "1": a request AWS's desync classes call ambiguous, forwarded. */
  a?: string;
  /** The listener's desync_mitigation_mode. */
  d?: string;
}

/** One datagram as the receiver acts on it. */
export interface ReceivedEntry {
  readonly entry: AccessLogEntry;
  /** The listener's access log wants it. */
  readonly write: boolean;
  /** The desync_mitigation_mode under which an ambiguous request was forwarded, else null. */
  readonly ambiguousIn: string | null;
}

/** One datagram → an entry; null when it is not one of ours. */
export function parseAccessLogDatagram(text: string): AccessLogEntry | null {
  return parseDatagram(text)?.entry ?? null;
}

/** One datagram → the entry and what to do with it; null when it is not one of ours. */
export function parseDatagram(text: string): ReceivedEntry | null {
  const start = text.indexOf('{');
  if (start === -1) return null;
  let raw: HaproxyEntry;
  try {
    raw = JSON.parse(text.slice(start)) as HaproxyEntry;
  } catch {
    return null;
  }
  if (typeof raw.l !== 'string') return null;
  // %si:%sp is "-:-" or "<NOSRV>:…" when no member was used.
  const member = /^[-<]/.test(raw.s) ? null : raw.s;
  const entry: AccessLogEntry = {
    time: new Date(raw.t).toISOString(),
    listener_id: raw.l,
    client: raw.c,
    member,
    method: raw.m,
    path: raw.u,
    status: raw.st,
    bytes_in: raw.bi,
    bytes_out: raw.bo,
    duration_ms: raw.ta,
    upstream_ms: raw.tr < 0 ? null : raw.tr,
  };
  // Entries rendered before "w" existed were access log entries.
  return { entry, write: raw.w !== 0, ambiguousIn: raw.a === '1' ? (raw.d ?? 'defensive') : null };
}

export class AccessLogReceiver {
  private readonly log: AccessLog;

  private constructor(
    private readonly socket: Socket,
    dir: string | undefined,
    private readonly logger: EngineLogger,
  ) {
    this.log = new AccessLog(dir, logger);
    socket.on('message', (message) => this.onDatagram(message.toString('utf8')));
    socket.on('error', (error) => logger.error({ error: error.message }, 'access log receiver error'));
  }

  static start(dir: string | undefined, logger: EngineLogger): Promise<AccessLogReceiver> {
    const socket = createSocket('udp4');
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve(new AccessLogReceiver(socket, dir, logger));
      });
    });
  }

  /** The `log` target HAProxy sends to. */
  get target(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  private onDatagram(text: string): void {
    const received = parseDatagram(text);
    if (received === null) return;
    const { entry, write, ambiguousIn } = received;
    if (ambiguousIn !== null) {
      // As the Node engine logs it (request-handler.ts): warn in monitor mode, info in defensive.
      const details = { listener: entry.listener_id, client: entry.client, method: entry.method, path: entry.path, reason: `a ${entry.method} request with a body` };
      this.logger[ambiguousIn === 'monitor' ? 'warn' : 'info'](details, `ambiguous request forwarded (desync_mitigation_mode ${ambiguousIn})`);
    }
    if (write) this.log.write(entry);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    await this.log.close();
  }
}
