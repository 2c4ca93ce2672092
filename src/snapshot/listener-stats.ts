// Listener counters added up: across a node's workers, across HAProxy workers retired by reloads,
// and across engines. Both engines report the same ListenerStats, so there is one sum.

import type { ListenerStats } from './snapshot.js';

export function sumListenerStats(a: ListenerStats, b: ListenerStats): ListenerStats {
  return {
    bytes_in: a.bytes_in + b.bytes_in,
    bytes_out: a.bytes_out + b.bytes_out,
    active_connections: a.active_connections + b.active_connections,
    total_connections: a.total_connections + b.total_connections,
    request_errors: a.request_errors + b.request_errors,
  };
}
