// The SQLite store's promises to the operator: an acknowledged commit survives kill -9, and the
// files that hold private keys are readable by the owner only.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { defined } from '../helpers/defined.js';

const CHILD = new URL('../helpers/durability-child.ts', import.meta.url).pathname;
const ACKNOWLEDGEMENTS_BEFORE_KILL = 50;

test('every commit acknowledged before SIGKILL is there after reopening', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'elbow-durability-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'elbow.db');
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 60_000); // bound the test if the child stalls
  t.after(() => {
    clearTimeout(killTimer);
    child.kill('SIGKILL');
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));

  const acknowledged: { revision: number; id: string }[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const match = /^committed (\d+) (\S+)$/.exec(line);
    assert.ok(match, `unexpected child output: ${line}`);
    acknowledged.push({ revision: Number(match[1]), id: defined(match[2]) });
    if (acknowledged.length === ACKNOWLEDGEMENTS_BEFORE_KILL) child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL');
  assert.ok(acknowledged.length >= ACKNOWLEDGEMENTS_BEFORE_KILL, `only ${acknowledged.length} commits acknowledged`);

  const store = await openSqliteStore({ path });
  t.after(() => store.close());
  const stored = new Set((await store.list('loadbalancer')).map((lb) => lb.id));
  const missing = acknowledged.filter(({ id }) => !stored.has(id));
  assert.deepStrictEqual(missing, []);
  assert.ok((await store.revision()) >= defined(acknowledged.at(-1)).revision);
});

test('the data directory is 0700 and the database with its -wal and -shm files are 0600', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'elbow-permissions-'));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const dataDir = join(parent, 'data');
  const previousUmask = process.umask(0o022); // a common, permissive umask: the store must not rely on a strict one
  t.after(() => process.umask(previousUmask));
  const store = await openStore('sqlite', dataDir);
  t.after(() => store.close());
  await store.transaction(async (tx) => {
    await tx.insert('certificate', {
      id: 'c1', project_id: 'p', created_at: new Date().toISOString(), updated_at: null, name: 'c', description: '', type: 'server',
      certificate: 'PEM', subject: 'CN=x', subject_alt_names: [], not_before: '', expires_at: '', fingerprint: '', private_key: 'SECRET',
    });
  });
  const mode = async (file: string) => (await stat(file)).mode & 0o777;
  assert.equal(await mode(dataDir), 0o700);
  for (const file of ['elbow.db', 'elbow.db-wal', 'elbow.db-shm']) assert.equal(await mode(join(dataDir, file)), 0o600, file);
});
