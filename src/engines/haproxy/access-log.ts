// Access logs of HAProxy listeners in the Node engine's format (JSON lines, one per request, in
// <dir>/<listener id>.log, or through elbow's log): HAProxy sends each entry as a compact JSON
// syslog datagram (render-frontend.ts log-format) to this receiver on 127.0.0.1, which completes
// it into elbow's fields.

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
}

/** One datagram → an entry; null when it is not one of ours. */
export function parseAccessLogDatagram(text: string): AccessLogEntry | null {
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
  return {
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
}

export class AccessLogReceiver {
  private readonly log: AccessLog;

  private constructor(
    private readonly socket: Socket,
    dir: string | undefined,
    logger: EngineLogger,
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
    const entry = parseAccessLogDatagram(text);
    if (entry === null) return;
    this.log.write(entry);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    await this.log.close();
  }
}
