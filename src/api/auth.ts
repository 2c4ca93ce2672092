// Token authentication (design.md §3): `X-Auth-Token: T` or `Authorization: Bearer T`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The token a request presents, or undefined. */
export function presentedToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-auth-token'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = headers.authorization;
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  return match?.[1];
}

/** A constant-time check against the one API token; hashing first makes the lengths equal. */
export function tokenChecker(token: string): (presented: string | undefined) => boolean {
  if (token === '') throw new Error('the API token must not be empty');
  const expected = sha256(token);
  return (presented) => presented !== undefined && timingSafeEqual(sha256(presented), expected);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
