// Picks the store from `--store`: 'sqlite' (the default, a file in the data directory) or a
// postgres:// URL shared by several nodes.

import { join } from 'node:path';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export const SQLITE_FILE_NAME = 'elbow.db';

export async function openStore(spec: string, dataDir: string): Promise<Store> {
  if (spec === '' || spec === 'sqlite') return openSqliteStore({ path: join(dataDir, SQLITE_FILE_NAME) });
  if (spec.startsWith('postgres://') || spec.startsWith('postgresql://')) return openPostgresStore({ connectionString: spec });
  throw new Error(`unknown store "${spec}": use "sqlite" or a postgres://… URL`);
}
