// Access log: one JSON line per entry, in <dir>/<listener id>.log when a directory is configured,
// else through the engine's logger. Files are opened on first use and closed with the engine. Both
// engines write this one format (the HAProxy engine turns HAProxy's log datagrams into entries).

import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';

/** One access log entry (JSON lines), written only when the listener's access_log is on. */
export interface AccessLogEntry {
  time: string;
  listener_id: string;
  client: string;
  member: string | null;
  method: string;
  path: string;
  status: number;
  bytes_in: number;
  bytes_out: number;
  duration_ms: number;
  upstream_ms: number | null;
}

/** Where entries go without a directory, and where write failures are reported. */
export interface AccessLogLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export class AccessLog {
  private readonly files = new Map<string, WriteStream>();

  constructor(
    private readonly dir: string | undefined,
    private readonly logger: AccessLogLogger,
  ) {}

  write(entry: AccessLogEntry): void {
    if (this.dir === undefined) {
      this.logger.info({ access: entry }, 'access');
      return;
    }
    let file = this.files.get(entry.listener_id);
    if (!file) {
      file = createWriteStream(join(this.dir, `${entry.listener_id}.log`), { flags: 'a' });
      file.on('error', (error) => this.logger.error({ listener: entry.listener_id, error: error.message }, 'access log write failed'));
      this.files.set(entry.listener_id, file);
    }
    file.write(`${JSON.stringify(entry)}\n`);
  }

  async close(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    await Promise.all(files.map((file) => new Promise<void>((resolve) => file.end(() => resolve()))));
  }
}
