import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCell, formatKeyValue, formatTable } from '../../../src/cli/tables.js';

describe('tables', () => {
  it('aligns columns to the widest cell and leaves no trailing spaces', () => {
    const out = formatTable([{ id: 'a', name: 'x', port: 80 }, { id: 'bbbb', name: null, port: 8080 }], ['id', 'name', 'port']);
    assert.equal(out, 'ID    NAME  PORT\na     x     80\nbbbb        8080\n');
  });

  it('shows lists, id references, objects and PEM compactly', () => {
    assert.equal(formatCell(['a', 'b']), 'a,b');
    assert.equal(formatCell([{ id: '1' }, { id: '2' }]), '1,2');
    assert.equal(formatCell({ type: 'SOURCE_IP' }), '{"type":"SOURCE_IP"}');
    assert.equal(formatCell('-----BEGIN CERTIFICATE-----\nAAA\n'), '-----BEGIN CERTIFICATE-----…');
    assert.equal(formatCell(null), '');
  });

  it('puts id and name first in key/value output and indents multi-line values', () => {
    assert.equal(formatKeyValue({ weight: 1, name: 'm', id: 'x', pem: 'a\nb\n' }), 'id      x\nname    m\nweight  1\npem     a\n        b\n');
  });
});
