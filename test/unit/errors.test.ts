// docs/errors.md documents every code of src/errors.ts with its HTTP status and message.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERRORS, ElbowError } from '../../src/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** `| \`CODE\` | 409 | message | when |` rows; `\|` is an escaped pipe inside a cell. */
function documentedCodes(): Map<string, { status: number; message: string }> {
  const rows = new Map<string, { status: number; message: string }>();
  for (const line of doc.split('\n')) {
    const match = /^\| `([A-Z0-9_]+)` \| (\d{3}) \| ((?:[^|\\]|\\.)*) \|/.exec(line);
    if (match) rows.set(match[1] as string, { status: Number(match[2]), message: (match[3] as string).trim().replace(/\\\|/g, '|') });
  }
  return rows;
}

test('docs/errors.md lists exactly the codes of src/errors.ts', () => {
  assert.deepEqual([...documentedCodes().keys()].sort(), Object.keys(ERRORS).sort());
});

test('docs/errors.md gives each code the status and message of src/errors.ts', () => {
  const documented = documentedCodes();
  for (const [code, { status, message }] of Object.entries(ERRORS)) {
    assert.deepEqual(documented.get(code), { status, message }, code);
  }
});

test('ElbowError fills the message template and renders the API error JSON', () => {
  const error = new ElbowError('LISTENER_PORT_CONFLICT', { id: 'abc', protocol: 'HTTP', port: 443, transport: 'TCP' });
  assert.equal(error.status, 409);
  assert.deepEqual(error.toJSON(), {
    faultcode: 'Client',
    faultstring: 'Another listener on this load balancer (id abc, HTTP:443) already uses TCP port 443',
    code: 'LISTENER_PORT_CONFLICT',
    field: 'protocol_port',
  });
  assert.equal(new ElbowError('INTERNAL', { detail: 'x' }).toJSON().faultcode, 'Server');
});

test('the error JSON names the field a form shows it at: the field parameter first, else the code\'s own', () => {
  assert.equal(new ElbowError('INVALID_BODY', { field: 'ip_list[0].ip', detail: 'x' }).toJSON().field, 'ip_list[0].ip');
  assert.equal(new ElbowError('SSL_REQUIRES_CLASSIC', { loadbalancer_id: 'a', type: 'standard' }).toJSON().field, 'protocol');
  assert.equal('field' in new ElbowError('INTERNAL', { detail: 'x' }).toJSON(), false);
  assert.equal('field' in new ElbowError('IN_USE', { kind: 'pool', id: 'a', user_kind: 'listener', user_id: 'b' }).toJSON(), false);
});
