import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cidrContains, formatIp, isCidr, isIpAddress, normalizeIp, parseCidr, parseIp } from '../../../src/model/cidr.js';

test('parseIp accepts IPv4 and IPv6 literals', () => {
  assert.deepEqual(Array.from(parseIp('192.0.2.1')?.bytes ?? []), [192, 0, 2, 1]);
  assert.equal(parseIp('::1')?.family, 6);
  assert.deepEqual(Array.from(parseIp('::ffff:192.0.2.1')?.bytes ?? []).slice(10), [0xff, 0xff, 192, 0, 2, 1]);
  for (const good of ['0.0.0.0', '255.255.255.255', '::', '2001:db8::', '2001:db8:0:0:0:0:0:1', 'fe80::1:2', '1:2:3:4:5:6:7:8']) assert.ok(isIpAddress(good), good);
});

test('parseIp refuses what is not an address', () => {
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', 'a.b.c.d', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1.2.3.4/8', 'fe80::1%eth0', ' 1.2.3.4']) {
    assert.equal(parseIp(bad), null, bad);
  }
});

test('parseCidr: prefix ranges per family, bare addresses are single hosts', () => {
  assert.equal(parseCidr('10.0.0.0/8')?.prefix, 8);
  assert.equal(parseCidr('10.1.2.3')?.prefix, 32);
  assert.equal(parseCidr('2001:db8::/32')?.prefix, 32);
  assert.equal(parseCidr('::1')?.prefix, 128);
  assert.equal(parseCidr('0.0.0.0/0')?.prefix, 0);
  for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/-1', '10.0.0.0/a', 'x/8']) assert.equal(isCidr(bad), false, bad);
});

test('cidrContains matches prefixes bit by bit', () => {
  const block = parseCidr('192.0.2.128/25');
  assert.ok(block);
  assert.ok(cidrContains(block, '192.0.2.128'));
  assert.ok(cidrContains(block, '192.0.2.255'));
  assert.equal(cidrContains(block, '192.0.2.127'), false);
  assert.equal(cidrContains(block, 'not an ip'), false);
  const all = parseCidr('0.0.0.0/0');
  assert.ok(all && cidrContains(all, '203.0.113.9'));
  const v6 = parseCidr('2001:db8:abcd::/48');
  assert.ok(v6);
  assert.ok(cidrContains(v6, '2001:db8:abcd:1::5'));
  assert.equal(cidrContains(v6, '2001:db8:abce::5'), false);
  assert.equal(cidrContains(v6, '192.0.2.1'), false);
});

test('an IPv4-mapped IPv6 client address matches IPv4 blocks', () => {
  const block = parseCidr('127.0.0.0/8');
  assert.ok(block);
  assert.ok(cidrContains(block, '::ffff:127.0.0.1'));
  assert.equal(cidrContains(block, '::ffff:10.0.0.1'), false);
  const host = parseCidr('10.0.0.1');
  assert.ok(host && cidrContains(host, parseIp('10.0.0.1') ?? '10.0.0.1'));
});

test('formatIp / normalizeIp give one canonical text per address', () => {
  assert.equal(normalizeIp('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(normalizeIp('0:0:0:0:0:0:0:0'), '::');
  assert.equal(normalizeIp('1:0:0:2:0:0:0:3'), '1:0:0:2::3');
  assert.equal(normalizeIp('1:0:2:3:4:5:6:7'), '1:0:2:3:4:5:6:7');
  assert.equal(normalizeIp('192.0.2.1'), '192.0.2.1');
  assert.equal(normalizeIp('nope'), null);
  const parsed = parseIp('fe80::1');
  assert.ok(parsed);
  assert.equal(formatIp(parsed), 'fe80::1');
});
