// This node's id, generated on first start and kept in <data-dir>/node-id so that it stays the
// same across restarts (the amphora ids the API shows are derived from it).
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function loadOrCreateNodeId(dataDir: string): Promise<string> {
  const path = join(dataDir, 'node-id');
  const existing = await readId(path);
  if (existing !== undefined) return existing;
  try {
    // 'wx': never overwrite an id another process wrote meanwhile.
    await writeFile(path, `${randomUUID()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const id = await readId(path);
  if (id === undefined) throw new Error(`${path} is empty; delete it to generate a new node id`);
  return id;
}

async function readId(path: string): Promise<string | undefined> {
  try {
    const id = (await readFile(path, 'utf8')).trim();
    return id === '' ? undefined : id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
