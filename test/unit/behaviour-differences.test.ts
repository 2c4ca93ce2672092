// test/behaviour/DIFFERENCES.md stays honest: every behaviour test file that expects something
// else of the HAProxy engine (`engine.name === 'haproxy'`) is named there, and every test file it
// names exists.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { it } from 'node:test';

const DIR = resolve(import.meta.dirname, '../behaviour');

it('DIFFERENCES.md names every behaviour test that expects otherwise of an engine, and only files that exist', () => {
  const listed = readFileSync(join(DIR, 'DIFFERENCES.md'), 'utf8');
  const differing = readdirSync(DIR).filter((file) => file.endsWith('.test.ts') && /engine\.name === 'haproxy'/.test(readFileSync(join(DIR, file), 'utf8')));
  assert.ok(differing.length > 0);
  for (const file of differing) assert.ok(listed.includes(file), `${file} expects otherwise of the HAProxy engine but DIFFERENCES.md does not name it`);
  for (const [file] of listed.matchAll(/[\w-]+\.test\.ts/g)) {
    assert.ok(existsSync(join(DIR, file)) || existsSync(join(DIR, '../e2e', file)), `DIFFERENCES.md names ${file}, which does not exist`);
  }
});
