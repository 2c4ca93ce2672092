// Ports are integers 1–65535 (spec: "The port numbers range from 1 to 65535").

import { ElbowError } from '../../errors.js';

export function isValidPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Throws INVALID_PORT naming the field when value is not a port. */
export function checkPort(field: string, value: unknown): void {
  if (!isValidPort(value)) throw new ElbowError('INVALID_PORT', { field });
}
