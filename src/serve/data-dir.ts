// The data directory: where the SQLite store and the API token live (default `.elbow` in the
// working directory). It holds the token and private keys, so it is private: created 0700, and an
// existing one (or anything already in it, elbow's or not) that group or others may read is
// tightened (directories to 0700, files to 0600) before elbow writes a secret there, each change
// logged. When that is not possible (someone else's directory), elbow refuses to start.
import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.elbow';

/** Permission bits for group and others. */
const GROUP_AND_OTHERS = 0o077;

/** The part of the logger this needs. */
export interface DataDirLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export class DataDirError extends Error {}

/**
 * Creates the directory when missing, tightens what group or others could reach, and returns its
 * absolute path. Symbolic links inside it are left alone (chmod would follow them elsewhere).
 */
export async function prepareDataDir(dir: string = DEFAULT_DATA_DIR, logger?: DataDirLogger): Promise<string> {
  const absolute = resolve(dir);
  await mkdir(absolute, { recursive: true, mode: 0o700 });
  await tighten(absolute, logger);
  return absolute;
}

async function tighten(path: string, logger: DataDirLogger | undefined): Promise<void> {
  const stats = await lstat(path);
  if (stats.isSymbolicLink()) return;
  const mode = stats.mode & 0o7777;
  if ((mode & GROUP_AND_OTHERS) !== 0) {
    const tightened = mode & ~GROUP_AND_OTHERS & 0o7777;
    try {
      await chmod(path, tightened);
    } catch (error) {
      throw new DataDirError(
        `the data directory must be private (it holds the API token and private keys): ${path} has mode ${octal(mode)} and could not be changed to ${octal(tightened)} (${(error as Error).message}); fix its owner or mode, or choose another --data-dir`,
        { cause: error },
      );
    }
    logger?.warn({ path, from: octal(mode), to: octal(tightened) }, 'data directory: permissions tightened (group and others could read it)');
  }
  if (!stats.isDirectory()) return;
  for (const entry of await readdir(path)) await tighten(join(path, entry), logger);
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
