import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkCidrs } from '../../../../src/model/rules/cidrs.js';

test('allowed_cidrs / ip_list take IPv4 and IPv6 addresses and CIDRs', () => {
  assert.doesNotThrow(() => checkCidrs('allowed_cidrs', null));
  assert.doesNotThrow(() => checkCidrs('allowed_cidrs', ['10.0.0.0/8', '192.0.2.1', '2001:db8::/32', '::1', '0.0.0.0/0']));
});

test('the first bad entry is named with its index', () => {
  assert.throws(() => checkCidrs('allowed_cidrs', ['10.0.0.0/8', '10.0.0.0/33']), { code: 'CIDR_INVALID', status: 400, message: 'Invalid IP address or CIDR 10.0.0.0/33 in allowed_cidrs[1]' });
  assert.throws(() => checkCidrs('ip_list', ['example.com']), { code: 'CIDR_INVALID', message: /ip_list\[0\]/ });
});
