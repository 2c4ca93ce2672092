// The data directory: where the SQLite store and the API token live (default `.elbow` in the
// working directory). Created private (0700) since it holds the token and private keys.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.elbow';

/** Creates the directory when missing and returns its absolute path. */
export async function prepareDataDir(dir: string = DEFAULT_DATA_DIR): Promise<string> {
  const absolute = resolve(dir);
  await mkdir(absolute, { recursive: true, mode: 0o700 });
  return absolute;
}
