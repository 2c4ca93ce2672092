// `npm run docs`: rewrites the generated parts of the docs from the code (docs/api.md's field
// tables, from the resource catalog). test/unit/model/field-docs.test.ts fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withFieldTables } from '../src/model/resources/field-docs.js';

const path = resolve(import.meta.dirname, '../docs/api.md');
const before = readFileSync(path, 'utf8');
const after = withFieldTables(before);
if (after === before) {
  console.log('docs/api.md is up to date');
} else {
  writeFileSync(path, after);
  console.log('docs/api.md: field tables rewritten');
}
