// Finding the programs VIP failover runs (keepalived, curl for its health check, setpriv) on
// PATH, so that a missing one is a clear start-up error rather than a failing child later.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

/** The absolute path of an executable (a path, or a name looked up on PATH); undefined when there is none. */
export async function findExecutable(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  const candidates = isAbsolute(name) || name.includes('/') ? [name] : [...path.split(delimiter), '/usr/sbin', '/sbin'].filter((dir) => dir !== '').map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}
