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
  const token = generateToken();
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

/**
 * 256 random bits as hex: a base64url token starts with '-' once in 64, and command lines read it
 * as an option (`openstack --os-token -Abc…` fails with a usage message).
 */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
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
