// Listener → pool protocol compatibility (design.md §2 table), for a listener's default pool
// and for the redirect pool of its forwarding policies.

import { ElbowError } from '../../errors.js';
import { LISTENER_POOL_PROTOCOLS } from '../protocols.js';
import type { ListenerProtocol, PoolProtocol } from '../types.js';

export function poolProtocolAllowed(listenerProtocol: ListenerProtocol, poolProtocol: PoolProtocol): boolean {
  return (LISTENER_POOL_PROTOCOLS[listenerProtocol] as readonly PoolProtocol[]).includes(poolProtocol);
}

/** Throws PROTOCOL_MISMATCH when the listener cannot send to the pool. */
export function checkPoolProtocol(listenerProtocol: ListenerProtocol, poolProtocol: PoolProtocol): void {
  if (!poolProtocolAllowed(listenerProtocol, poolProtocol)) {
    throw new ElbowError('PROTOCOL_MISMATCH', {
      listener_protocol: listenerProtocol,
      pool_protocol: poolProtocol,
      allowed: LISTENER_POOL_PROTOCOLS[listenerProtocol].join(', '),
    });
  }
}
