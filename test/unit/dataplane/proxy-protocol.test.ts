import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyHeaderV1, proxyHeaderV2 } from '../../../src/dataplane/proxy/proxy-protocol.js';

test('v1 header for IPv4, IPv6 and IPv4-mapped clients', () => {
  assert.equal(proxyHeaderV1({ address: '192.0.2.1', port: 5555 }, { address: '127.0.1.1', port: 80 }).toString(), 'PROXY TCP4 192.0.2.1 127.0.1.1 5555 80\r\n');
  assert.equal(proxyHeaderV1({ address: '2001:db8::1', port: 1 }, { address: '::1', port: 2 }).toString(), 'PROXY TCP6 2001:db8:0:0:0:0:0:1 0:0:0:0:0:0:0:1 1 2\r\n');
  assert.equal(proxyHeaderV1({ address: '::ffff:192.0.2.1', port: 1 }, { address: '127.0.0.1', port: 2 }).toString(), 'PROXY TCP4 192.0.2.1 127.0.0.1 1 2\r\n');
  assert.equal(proxyHeaderV1({ address: '2001:db8::1', port: 1 }, { address: '127.0.0.1', port: 2 }).toString(), 'PROXY UNKNOWN\r\n');
});

test('v2 header: signature, PROXY command, TCP4 addresses and ports', () => {
  const header = proxyHeaderV2({ address: '192.0.2.1', port: 5555 }, { address: '127.0.1.1', port: 80 });
  assert.equal(header.length, 28);
  assert.equal(header.subarray(0, 12).toString('hex'), '0d0a0d0a000d0a515549540a');
  assert.equal(header[12], 0x21);
  assert.equal(header[13], 0x11);
  assert.equal(header.readUInt16BE(14), 12);
  assert.deepEqual([...header.subarray(16, 24)], [192, 0, 2, 1, 127, 0, 1, 1]);
  assert.equal(header.readUInt16BE(24), 5555);
  assert.equal(header.readUInt16BE(26), 80);
});

test('v2 header: TCP6', () => {
  const header = proxyHeaderV2({ address: '2001:db8::1', port: 1 }, { address: '::1', port: 2 });
  assert.equal(header.length, 52);
  assert.equal(header[13], 0x21);
  assert.equal(header.readUInt16BE(14), 36);
  assert.equal(header.subarray(16, 32).toString('hex'), '20010db8000000000000000000000001');
  assert.equal(header.readUInt16BE(48), 1);
  assert.equal(header.readUInt16BE(50), 2);
});
