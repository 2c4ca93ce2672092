// Properties of cidr.ts against a naive reference: bytes → text → bytes round-trips, and
// containment equals comparing the first `prefix` bits as a BigInt.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cidrContains, formatIp, parseIp, type IpAddress } from '../../../src/model/cidr.js';

const mappedV4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((v4): IpAddress => ({ family: 6, bytes: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]) }));

const address = fc.oneof(
  mappedV4,
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((bytes): IpAddress => ({ family: 4, bytes })),
  // Few distinct byte values so that runs of zero groups (the :: form) are common.
  fc.array(fc.constantFrom(0, 0, 0, 1, 0xff, 0x20), { minLength: 16, maxLength: 16 }).map((b): IpAddress => ({ family: 6, bytes: Uint8Array.from(b) })),
);

const toBigInt = (bytes: Uint8Array) => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);

test('formatIp output parses back to the same address', () => {
  fc.assert(
    fc.property(address, (ip) => {
      const parsed = parseIp(formatIp(ip));
      assert.ok(parsed, formatIp(ip));
      assert.equal(parsed.family, ip.family);
      assert.deepEqual(Array.from(parsed.bytes), Array.from(ip.bytes));
    }),
  );
});

test('cidrContains agrees with a BigInt prefix comparison', () => {
  fc.assert(
    fc.property(address, address, fc.integer({ min: 0, max: 128 }), (block, candidate, rawPrefix) => {
      const bits = block.family === 4 ? 32 : 128;
      const prefix = rawPrefix % (bits + 1);
      // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; those match IPv4 blocks.
      const mapped = candidate.family === 6 && candidate.bytes.slice(0, 10).every((b) => b === 0) && candidate.bytes[10] === 0xff && candidate.bytes[11] === 0xff;
      const comparable = block.family === candidate.family ? candidate.bytes : block.family === 4 && mapped ? candidate.bytes.slice(12) : null;
      const expected = comparable !== null && toBigInt(block.bytes) >> BigInt(bits - prefix) === toBigInt(comparable) >> BigInt(bits - prefix);
      assert.equal(cidrContains({ ...block, prefix }, candidate), expected);
    }),
  );
});
