import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkVipAddress, checkVipFree, checkVipRequested } from '../../../../src/model/rules/vip-address.js';

test('a load balancer needs one of the VIP fields', () => {
  assert.throws(() => checkVipRequested({}), { code: 'VIP_REQUIRED', status: 400 });
  assert.throws(() => checkVipRequested({ vip_port_id: null, vip_subnet_id: '' }), { code: 'VIP_REQUIRED' });
  for (const field of ['vip_address', 'vip_port_id', 'vip_subnet_id', 'vip_network_id']) assert.doesNotThrow(() => checkVipRequested({ [field]: 'x' }));
});

test('vip_address is an IP literal, returned canonical', () => {
  assert.equal(checkVipAddress('::0:1'), '::1');
  assert.throws(() => checkVipAddress('localhost'), { code: 'VIP_INVALID', message: /localhost/ });
});

test('a VIP used by another load balancer is VIP_IN_USE', () => {
  const lbs = [{ id: 'a', vip_address: '127.0.1.1' }];
  assert.throws(() => checkVipFree('127.0.1.1', lbs), { code: 'VIP_IN_USE', status: 409, message: 'vip_address 127.0.1.1 is already used by load balancer a' });
  assert.doesNotThrow(() => checkVipFree('127.0.1.1', lbs, 'a'));
  assert.doesNotThrow(() => checkVipFree('127.0.1.2', lbs));
});
