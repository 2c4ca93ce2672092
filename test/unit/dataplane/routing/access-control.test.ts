import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compileAccessControl } from '../../../../src/dataplane/routing/access-control.js';

it('admits everyone without lists', () => {
  assert.equal(compileAccessControl({ allowedCidrs: [], ipGroup: null })('203.0.113.9'), true);
});

it('allowed_cidrs admits only the listed networks (v4, mapped v4, v6)', () => {
  const admit = compileAccessControl({ allowedCidrs: ['127.0.0.0/8', '2001:db8::/32'], ipGroup: null });
  assert.equal(admit('127.0.0.1'), true);
  assert.equal(admit('::ffff:127.0.0.1'), true);
  assert.equal(admit('2001:db8::1'), true);
  assert.equal(admit('10.0.0.1'), false);
  assert.equal(admit('::1'), false);
});

it('white and black ip groups', () => {
  const white = compileAccessControl({ allowedCidrs: [], ipGroup: { type: 'white', cidrs: ['10.0.0.5'] } });
  const black = compileAccessControl({ allowedCidrs: [], ipGroup: { type: 'black', cidrs: ['10.0.0.0/24'] } });
  assert.deepEqual([white('10.0.0.5'), white('10.0.0.6')], [true, false]);
  assert.deepEqual([black('10.0.0.5'), black('10.0.1.5')], [false, true]);
});

it('both lists must admit', () => {
  const admit = compileAccessControl({ allowedCidrs: ['10.0.0.0/8'], ipGroup: { type: 'black', cidrs: ['10.0.0.0/24'] } });
  assert.deepEqual([admit('10.0.0.1'), admit('10.1.0.1'), admit('11.0.0.1')], [false, true, false]);
});
