// Access log: one JSON line per entry, in <dir>/<listener id>.log when a directory is configured,
// else through the data plane's logger. Files are opened on first use and closed with the data plane.

import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { AccessLogEntry } from '../listener-runtime.js';
import type { DataPlaneLogger } from './logger.js';

export class AccessLog {
  private readonly files = new Map<string, WriteStream>();

  constructor(
    private readonly dir: string | undefined,
    private readonly logger: DataPlaneLogger,
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
