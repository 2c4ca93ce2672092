import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccessFilter } from '../../../src/dataplane/access-control.js';

test('no cidrs and no ip group: nothing to check', () => {
  assert.equal(createAccessFilter({ allowedCidrs: [], ipGroup: null }), null);
});

test('allowed_cidrs admit only their clients, IPv4 and IPv6, mapped addresses included', () => {
  const allowed = createAccessFilter({ allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'], ipGroup: null });
  assert.ok(allowed);
  assert.equal(allowed('10.1.2.3'), true);
  assert.equal(allowed('::ffff:10.1.2.3'), true);
  assert.equal(allowed('2001:db8::5'), true);
  assert.equal(allowed('127.0.0.1'), false);
  assert.equal(allowed('not an address'), false);
});

test('ip groups: white admits only members, black admits all but members; both combine with allowed_cidrs', () => {
  const white = createAccessFilter({ allowedCidrs: [], ipGroup: { type: 'white', cidrs: ['127.0.0.1'] } });
  assert.equal(white?.('127.0.0.1'), true);
  assert.equal(white?.('127.0.0.2'), false);
  const black = createAccessFilter({ allowedCidrs: ['127.0.0.0/8'], ipGroup: { type: 'black', cidrs: ['127.0.0.2/32'] } });
  assert.equal(black?.('127.0.0.1'), true);
  assert.equal(black?.('127.0.0.2'), false);
  assert.equal(black?.('10.0.0.1'), false);
});
