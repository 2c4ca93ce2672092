import assert from 'node:assert/strict';
import { it } from 'node:test';
import { generateToken } from '../../../src/serve/api-token.js';

it('generated API tokens are 256 bits of hex: never a leading "-" that a command line reads as an option', () => {
  const tokens = new Set(Array.from({ length: 500 }, generateToken));
  assert.equal(tokens.size, 500);
  for (const token of tokens) assert.match(token, /^[0-9a-f]{64}$/);
});
