// The catalog's declarations agree with themselves: defaults and examples are valid values,
// required fields have no default, references and CLI columns name what exists.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { CATALOG, createMode, fieldsOf, inputSchema, isInput, updateMode, viewSchema, withDefaults } from '../../../src/model/resources/catalog.js';
import { RESOURCE_KINDS } from '../../../src/model/types.js';

describe('resource catalog', () => {
  it('defaults and examples are valid values of their fields', () => {
    for (const kind of RESOURCE_KINDS) {
      for (const [name, field] of fieldsOf(kind)) {
        if (field.default !== undefined) assert.ok(Value.Check(field.schema, field.default), `${kind}.${name} default`);
        if (field.default !== undefined && isInput(field)) assert.ok(Value.Check(inputSchema(field), field.default), `${kind}.${name} default as input`);
        if (field.example !== undefined) assert.ok(Value.Check(inputSchema(field), field.example), `${kind}.${name} example`);
        if (field.nullResets === true) assert.notEqual(field.default, undefined, `${kind}.${name}: null resets to a declared default`);
      }
    }
  });

  it('required fields have no default; fixed fields can be set at create; output fields are not input', () => {
    for (const kind of RESOURCE_KINDS) {
      for (const [name, field] of fieldsOf(kind)) {
        if (createMode(field) === 'required') assert.equal(field.default, undefined, `${kind}.${name}`);
        if (updateMode(field) === 'fixed') assert.notEqual(createMode(field), 'no', `${kind}.${name}`);
        if (field.stored === false) assert.ok(field.shown === false || field.optional === true, `${kind}.${name}: not stored, so shown only when present`);
      }
    }
  });

  it('references name resource kinds; CLI columns and appliesWhen name fields', () => {
    for (const kind of RESOURCE_KINDS) {
      const spec = CATALOG[kind];
      const view = viewSchema(kind);
      for (const column of spec.cli.columns) assert.ok(column in view.properties, `${kind} column ${column}`);
      for (const [name, field] of fieldsOf(kind)) {
        if (field.ref !== undefined) assert.ok((RESOURCE_KINDS as readonly string[]).includes(field.ref), `${kind}.${name} ref`);
        if (field.appliesWhen !== undefined) assert.ok(field.appliesWhen.field in spec.fields, `${kind}.${name} appliesWhen`);
      }
      assert.equal(spec.kind, kind);
    }
  });

  it('a stored row missing a field reads with its default; a complete one is returned as it is', () => {
    const stored = { id: 'l1', protocol: 'HTTP', protocol_port: 80, loadbalancer_id: 'lb' };
    const read = withDefaults('listener', stored) as Record<string, unknown>;
    assert.equal(read.timeout_client_data, 50000);
    assert.equal(read.access_log, false);
    assert.equal(read.protocol_port, 80);
    assert.equal(withDefaults('listener', read), read);
  });
});
