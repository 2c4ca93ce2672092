import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMemberAddress, checkMemberConflict, findMemberConflict } from '../../../../src/model/rules/member-address.js';

test('member addresses are IPv4 or IPv6 literals, returned canonical', () => {
  assert.equal(checkMemberAddress('address', '192.0.2.7'), '192.0.2.7');
  assert.equal(checkMemberAddress('address', '2001:DB8::0001'), '2001:db8::1');
  assert.throws(() => checkMemberAddress('address', 'server.example'), { code: 'CIDR_INVALID', message: /server\.example in address/ });
});

const existing = [{ id: 'm1', pool_id: 'p', address: '2001:db8::1', protocol_port: 80 }];

test('the same address+port twice in a pool is a 409 naming the member; other ports or addresses are fine', () => {
  assert.throws(() => checkMemberConflict({ pool_id: 'p', address: '2001:db8:0::1', protocol_port: 80 }, existing), {
    code: 'MEMBER_ADDRESS_CONFLICT',
    status: 409,
    message: 'Member m1 already uses 2001:db8::1:80 in pool p',
  });
  assert.equal(findMemberConflict({ pool_id: 'p', address: '2001:db8::1', protocol_port: 81 }, existing), undefined);
  assert.equal(findMemberConflict({ pool_id: 'p', address: '2001:db8::2', protocol_port: 80 }, existing), undefined);
  assert.equal(findMemberConflict({ id: 'm1', pool_id: 'p', address: '2001:db8::1', protocol_port: 80 }, existing), undefined, 'itself');
});
