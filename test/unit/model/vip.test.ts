import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_VIP_RANGE, allocateVip } from '../../../src/model/vip.js';

test('the default VIP range starts at 127.0.1.1', () => {
  assert.equal(allocateVip(DEFAULT_VIP_RANGE, []), '127.0.1.1');
});

test('allocateVip returns the lowest free address, across octet boundaries', () => {
  assert.equal(allocateVip(DEFAULT_VIP_RANGE, ['127.0.1.1', '127.0.1.2']), '127.0.1.3');
  assert.equal(allocateVip({ start: '10.0.0.254', end: '10.0.1.2' }, ['10.0.0.254', '10.0.0.255']), '10.0.1.0');
  assert.equal(allocateVip(DEFAULT_VIP_RANGE, ['127.0.1.2']), '127.0.1.1');
});

test('VIP_RANGE_EXHAUSTED when every address is used', () => {
  assert.throws(() => allocateVip({ start: '10.0.0.1', end: '10.0.0.2' }, ['10.0.0.1', '10.0.0.2']), { code: 'VIP_RANGE_EXHAUSTED', status: 409 });
});

test('a range bound that is not an IPv4 address is VIP_INVALID', () => {
  assert.throws(() => allocateVip({ start: '::1', end: '10.0.0.2' }, []), { code: 'VIP_INVALID' });
});
