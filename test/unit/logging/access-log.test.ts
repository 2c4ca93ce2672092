import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessLog } from '../../../src/logging/access-log.js';
import { SILENT_LOGGER } from '../../../src/dataplane/observe/logger.js';
import type { AccessLogEntry } from '../../../src/logging/access-log.js';

const entry = (listener: string, path: string): AccessLogEntry => ({
  time: '2026-01-01T00:00:00.000Z',
  listener_id: listener,
  client: '127.0.0.1:5000',
  member: 'm1',
  method: 'GET',
  path,
  status: 200,
  bytes_in: 10,
  bytes_out: 20,
  duration_ms: 1.5,
  upstream_ms: 1,
});

test('entries go to <dir>/<listener id>.log as JSON lines', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'elbow-access-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = new AccessLog(dir, SILENT_LOGGER);
  log.write(entry('l1', '/a'));
  log.write(entry('l2', '/b'));
  log.write(entry('l1', '/c'));
  await log.close();
  const lines = readFileSync(join(dir, 'l1.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as AccessLogEntry);
  assert.deepEqual(lines.map((l) => l.path), ['/a', '/c']);
  assert.equal(JSON.parse(readFileSync(join(dir, 'l2.log'), 'utf8')).path, '/b');
});

test('without a directory, entries go to the logger', async () => {
  const seen: unknown[] = [];
  const log = new AccessLog(undefined, { ...SILENT_LOGGER, info: (fields) => seen.push(fields) });
  log.write(entry('l1', '/x'));
  await log.close();
  assert.deepEqual(seen, [{ access: entry('l1', '/x') }]);
});
