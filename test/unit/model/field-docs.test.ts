import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fieldTablesMarkdown, FIELD_DOCS_BEGIN, FIELD_DOCS_END, withFieldTables } from '../../../src/model/resources/field-docs.js';
import { fieldsOf } from '../../../src/model/resources/catalog.js';
import { RESOURCE_KINDS } from '../../../src/model/types.js';

const API_MD = resolve(import.meta.dirname, '../../../docs/api.md');

test("docs/api.md's field tables are the ones the catalog generates (else: npm run docs)", () => {
  const text = readFileSync(API_MD, 'utf8');
  const generated = text.slice(text.indexOf(FIELD_DOCS_BEGIN), text.indexOf(FIELD_DOCS_END) + FIELD_DOCS_END.length);
  assert.equal(generated, fieldTablesMarkdown(), 'docs/api.md field tables are stale: run `npm run docs`');
});

test('the tables name every field of every resource once, and rewriting keeps the rest of the page', () => {
  const tables = fieldTablesMarkdown();
  for (const kind of RESOURCE_KINDS) for (const [name] of fieldsOf(kind)) assert.match(tables, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `${kind}.${name}`);
  const page = `# before\n\n${FIELD_DOCS_BEGIN}\nold\n${FIELD_DOCS_END}\n\nafter\n`;
  const rewritten = withFieldTables(page);
  assert.ok(rewritten.startsWith('# before\n\n') && rewritten.endsWith('\n\nafter\n'));
  assert.ok(!rewritten.includes('\nold\n'));
  assert.throws(() => withFieldTables('# no markers'), /markers/);
});
