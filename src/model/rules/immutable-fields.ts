// Fields fixed at creation: an update may repeat their current value (declarative clients send
// whole objects) but not change it.

import { ElbowError } from '../../errors.js';
import type { ResourceKind } from '../types.js';

export const IMMUTABLE_FIELDS = {
  loadbalancer: ['vip_address', 'vip_port_id', 'vip_subnet_id', 'vip_network_id', 'type', 'provider', 'flavor_id', 'availability_zone'],
  listener: ['protocol', 'protocol_port', 'loadbalancer_id'],
  pool: ['protocol'],
  member: ['address', 'protocol_port', 'subnet_id'],
  healthmonitor: ['type', 'pool_id'],
  l7policy: ['listener_id'],
  l7rule: [],
  certificate: [],
  ipgroup: [],
} as const satisfies Record<ResourceKind, readonly string[]>;

/** IMMUTABLE_FIELD naming the first immutable field the update would change. */
export function checkImmutableFields(kind: ResourceKind, current: object, update: object): void {
  const before = current as Record<string, unknown>;
  const after = update as Record<string, unknown>;
  for (const field of IMMUTABLE_FIELDS[kind] as readonly string[]) {
    if (field in after && after[field] !== undefined && after[field] !== before[field]) throw new ElbowError('IMMUTABLE_FIELD', { field });
  }
}
