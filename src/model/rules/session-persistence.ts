// Session persistence valid for the pool protocol: cookies need HTTP to the backend, SOURCE_IP
// works everywhere; APP_COOKIE names the application's cookie, and only it takes a cookie_name
// (Octavia's rule: HTTP_COOKIE uses elbow's own cookie).

import { ElbowError } from '../../errors.js';
import { parseNetmask } from '../cidr.js';
import { POOL_SESSION_PERSISTENCE_TYPES } from '../protocols.js';
import type { PoolProtocol, SessionPersistence, SessionPersistenceType } from '../types.js';

/** RFC 6265 cookie-name: an HTTP token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function checkSessionPersistence(
  poolProtocol: PoolProtocol,
  persistence: (Pick<SessionPersistence, 'type' | 'cookie_name'> & Partial<Pick<SessionPersistence, 'persistence_granularity' | 'persistence_timeout'>>) | null,
): void {
  if (persistence === null) return;
  const fail = (detail: string) => new ElbowError('SESSION_PERSISTENCE_INVALID', { type: persistence.type, protocol: poolProtocol, detail });
  const allowed: readonly SessionPersistenceType[] = POOL_SESSION_PERSISTENCE_TYPES[poolProtocol];
  if (!allowed.includes(persistence.type)) throw fail(`session_persistence.type must be one of ${allowed.join(', ')}`);
  const cookie = persistence.cookie_name;
  if (persistence.type === 'APP_COOKIE' && !cookie) throw fail('session_persistence.cookie_name is required');
  if (persistence.type !== 'APP_COOKIE' && cookie) throw fail('Field "cookie_name" can only be specified with session persistence of type "APP_COOKIE"');
  if (cookie && !COOKIE_NAME.test(cookie)) throw fail(`session_persistence.cookie_name ${JSON.stringify(cookie)} is not a valid cookie name`);
  if (persistence.type !== 'SOURCE_IP' && (persistence.persistence_timeout ?? null) !== null) {
    throw fail('session_persistence.persistence_timeout applies only to SOURCE_IP persistence (cookies last as long as the client keeps them)');
  }
  // Octavia's netmask grouping clients for SOURCE_IP persistence (e.g. 255.255.255.0: one /24, one member).
  const granularity = persistence.persistence_granularity ?? null;
  if (granularity !== null) {
    if (persistence.type !== 'SOURCE_IP') throw fail('session_persistence.persistence_granularity applies only to SOURCE_IP persistence');
    if (parseNetmask(granularity) === null) throw fail(`session_persistence.persistence_granularity ${JSON.stringify(granularity)} is not a netmask such as 255.255.255.0`);
  }
}
