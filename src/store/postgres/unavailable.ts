// Which PostgreSQL failures mean "the store cannot be reached" (a 503 the client may retry later)
// rather than a bug (a 500): the network, a server restarting or refusing connections, timeouts.

import pg from 'pg';
import { ElbowError } from '../../errors.js';

const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server going away or not taking connections: class 08 (connection exception), 57P0x (shutdown), 53300. */
function isUnavailableState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** node-postgres reports lost connections and its own timeouts as plain Errors with these messages. */
const CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Client was closed and is not queryable',
];

export function isStoreUnreachable(error: unknown): boolean {
  if (error instanceof ElbowError) return error.code === 'STORE_UNAVAILABLE';
  if (error instanceof pg.DatabaseError) return error.code !== undefined && isUnavailableState(error.code);
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  if (error instanceof AggregateError && error.errors.some(isStoreUnreachable)) return true;
  return CLIENT_MESSAGES.some((message) => error.message.includes(message));
}

/** The error to throw: STORE_UNAVAILABLE (503) for an unreachable store, the error itself otherwise. */
export function asStoreError(error: unknown): unknown {
  if (error instanceof ElbowError || !isStoreUnreachable(error)) return error;
  const detail = error instanceof Error && error.message !== '' ? error.message : String((error as NodeJS.ErrnoException)?.code ?? error);
  return new ElbowError('STORE_UNAVAILABLE', { detail: `PostgreSQL: ${detail}` });
}
