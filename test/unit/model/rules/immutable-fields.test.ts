import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IMMUTABLE_FIELDS, checkImmutableFields } from '../../../../src/model/rules/immutable-fields.js';

test('the fields the brief fixes at creation are immutable', () => {
  assert.deepEqual([...IMMUTABLE_FIELDS.listener].sort(), ['loadbalancer_id', 'protocol', 'protocol_port']);
  assert.ok((IMMUTABLE_FIELDS.pool as readonly string[]).includes('protocol'));
  assert.ok((IMMUTABLE_FIELDS.member as readonly string[]).includes('address') && (IMMUTABLE_FIELDS.member as readonly string[]).includes('protocol_port'));
  assert.ok((IMMUTABLE_FIELDS.healthmonitor as readonly string[]).includes('type'));
  assert.ok((IMMUTABLE_FIELDS.loadbalancer as readonly string[]).includes('vip_address') && (IMMUTABLE_FIELDS.loadbalancer as readonly string[]).includes('type'));
});

test('changing an immutable field is IMMUTABLE_FIELD; repeating its value or omitting it is fine', () => {
  const current = { protocol: 'HTTP', protocol_port: 80, loadbalancer_id: 'lb', name: 'a' };
  assert.throws(() => checkImmutableFields('listener', current, { protocol_port: 81 }), { code: 'IMMUTABLE_FIELD', status: 400, message: 'Field protocol_port cannot be changed after creation' });
  assert.throws(() => checkImmutableFields('listener', current, { protocol: 'TCP' }), { code: 'IMMUTABLE_FIELD' });
  assert.doesNotThrow(() => checkImmutableFields('listener', current, { protocol: 'HTTP', protocol_port: 80, name: 'b' }));
  assert.doesNotThrow(() => checkImmutableFields('listener', current, { name: 'b' }));
});
