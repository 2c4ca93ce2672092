// The store contract against SQLite files in fresh temp directories.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runStoreContract } from './store.contract.js';

runStoreContract('sqlite file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'elbow-store-'));
  const path = join(dir, 'data', 'elbow.db');
  return {
    open: () => openSqliteStore({ path }),
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
});
