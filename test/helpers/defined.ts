// For tests: a value that must be there (instead of a non-null assertion, which lint forbids).
import assert from 'node:assert/strict';

export function defined<T>(value: T | null | undefined, what = 'value'): T {
  assert.ok(value !== undefined && value !== null, `${what} is missing`);
  return value;
}
