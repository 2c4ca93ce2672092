import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFieldValue } from '../../../src/cli/field-values.js';
import type { FieldSpec } from '../../../src/cli/resources.js';

const field = (type: FieldSpec['type']): FieldSpec => ({ field: 'f', type, help: '' });

describe('option values by field type', () => {
  it('parses integers, numbers and booleans strictly', () => {
    assert.equal(parseFieldValue(field('int'), '80', undefined), 80);
    assert.equal(parseFieldValue(field('int'), '-1', undefined), -1);
    assert.throws(() => parseFieldValue(field('int'), '8.5', undefined), /not an integer/);
    assert.equal(parseFieldValue(field('number'), '1.1', undefined), 1.1);
    assert.throws(() => parseFieldValue(field('number'), 'x', undefined), /not a number/);
    for (const yes of ['true', 'YES', '1']) assert.equal(parseFieldValue(field('bool'), yes, undefined), true);
    for (const no of ['false', 'no', '0']) assert.equal(parseFieldValue(field('bool'), no, undefined), false);
    assert.throws(() => parseFieldValue(field('bool'), 'maybe', undefined), /expected true or false/);
  });

  it('accumulates repeatable lists and ip entries', () => {
    const once = parseFieldValue(field('list'), 'a, b', undefined);
    assert.deepEqual(parseFieldValue(field('list'), 'c', once), ['a', 'b', 'c']);
    assert.deepEqual(parseFieldValue(field('iplist'), '192.0.2.0/24,198.51.100.7=vpn', undefined), [
      { ip: '192.0.2.0/24', description: '' },
      { ip: '198.51.100.7', description: 'vpn' },
    ]);
  });

  it('parses JSON and explains bad JSON', () => {
    assert.deepEqual(parseFieldValue(field('json'), '{"type":"SOURCE_IP"}', undefined), { type: 'SOURCE_IP' });
    assert.throws(() => parseFieldValue(field('json'), '{type}', undefined), /not valid JSON/);
    assert.throws(() => parseFieldValue(field('file'), '/nonexistent/x.pem', undefined), /cannot read \/nonexistent\/x\.pem: ENOENT/);
  });
});
