// docs/engines.md's table of differences between the engines stays honest: every row names what
// keeps it true (a test file, an error code, or a difference the abuse suites declare), each of
// those exists, every value the API refuses for an engine is in the table, and so is every
// difference the abuse suites skip for the HAProxy engine.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ERRORS } from '../../src/errors.js';
import { ENGINE_LIMITS } from '../../src/model/rules/engine-limits.js';
import { haproxyEngine } from '../helpers/abuse-engines.js';

const ROOT = resolve(import.meta.dirname, '../..');

interface Row {
  readonly text: string;
  readonly cells: readonly string[];
  readonly references: readonly string[];
}

function differenceRows(): Row[] {
  const doc = readFileSync(join(ROOT, 'docs/engines.md'), 'utf8');
  const section = doc.split(/^## Differences$/m)[1]?.split(/^## /m)[0] ?? '';
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  // Header and separator first.
  return lines.slice(2).map((text) => {
    const cells = text.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
    const last = cells.at(-1) ?? '';
    return { text, cells, references: [...last.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '') };
  });
}

describe('docs/engines.md: the differences between the engines', () => {
  const rows = differenceRows();

  it('has rows, each with four cells and something that keeps it true', () => {
    assert.ok(rows.length >= 10, `${rows.length} rows`);
    for (const row of rows) {
      assert.equal(row.cells.length, 4, row.text);
      assert.ok(row.references.length > 0, `no test, error code or abuse difference named: ${row.text}`);
    }
  });

  it('every test file, error code and abuse difference named exists', () => {
    const declared = Object.keys(haproxyEngine.differences ?? {});
    for (const row of rows) {
      for (const reference of row.references) {
        if (reference.startsWith('test/')) assert.ok(existsSync(join(ROOT, reference)), `${reference} does not exist`);
        else if (reference.startsWith('abuse:')) assert.ok(declared.includes(reference.slice('abuse:'.length)), `${reference} is not declared for the HAProxy engine`);
        else assert.ok(reference in ERRORS, `${reference} is neither a test file, an abuse difference nor an error code`);
      }
    }
  });

  it('every value an engine refuses is in a row kept by NOT_SUPPORTED_BY_ENGINE', () => {
    const refusing = rows.filter((row) => row.references.includes('NOT_SUPPORTED_BY_ENGINE'));
    for (const limit of ENGINE_LIMITS) {
      const name = limit.field.split('.').at(-1) ?? limit.field;
      assert.ok(refusing.some((row) => row.cells[0]?.includes(`\`${name}\``) || row.cells[0]?.includes(`\`${limit.field}\``)), `${limit.kind}.${limit.field} (${limit.engine}) is refused but not in the table`);
    }
  });

  it('every difference the abuse suites skip for the HAProxy engine is in the table', () => {
    for (const key of Object.keys(haproxyEngine.differences ?? {})) {
      assert.ok(rows.some((row) => row.references.includes(`abuse:${key}`)), `abuse difference ${key} is not in the table`);
    }
  });
});
