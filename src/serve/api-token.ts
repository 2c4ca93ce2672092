// The API token (design.md §3): ELBOW_API_TOKEN when set, else one generated on first start and
// kept in <data-dir>/api-token (mode 0600) so that restarts and the CLI reuse it.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TOKEN_FILE_NAME = 'api-token';

export function tokenFilePath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE_NAME);
}

export async function loadOrCreateToken(dataDir: string, fromEnvironment: string | undefined): Promise<string> {
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') return fromEnvironment.trim();
  const path = tokenFilePath(dataDir);
  const existing = await readToken(path);
  if (existing !== undefined) return existing;
  const token = randomBytes(32).toString('base64url');
  try {
    // 'wx': never overwrite a token another process wrote meanwhile.
    await writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  } catch (err) {
    const raced = (err as NodeJS.ErrnoException).code === 'EEXIST' ? await readToken(path) : undefined;
    if (raced !== undefined) return raced;
    throw err;
  }
}

async function readToken(path: string): Promise<string | undefined> {
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token === '') throw new Error(`${path} is empty; delete it to generate a new token`);
    return token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
