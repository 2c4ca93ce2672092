// flavor_data and availability_zone_data are JSON objects carried as strings (Octavia's API).

import { ElbowError } from '../errors.js';

/** Parses `text` as a JSON object; INVALID_BODY on `field` when it is not valid JSON or not an object. */
export function parseProfileObject(text: string, field: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ElbowError('INVALID_BODY', { field, detail: `${JSON.stringify(text.slice(0, 80))} is not valid JSON` });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ElbowError('INVALID_BODY', { field, detail: 'must be a JSON object' });
  return parsed as Record<string, unknown>;
}
