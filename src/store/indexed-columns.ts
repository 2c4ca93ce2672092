// What both stores derive from a resource besides its JSON: the columns the unique indexes of
// store.ts are built on, and the validation of list() filters and order.

import { ElbowError } from '../errors.js';
import { transportOf } from '../model/protocols.js';
import type { Listener, Member, ResourceKind, ResourceByKind } from '../model/types.js';
import type { UniqueIndex } from './store.js';

export type IndexedValues = Record<string, string | number>;

/**
 * The extra columns of the listener and member tables. A listener's bind address is not here:
 * it is its load balancer's vip_address, which each store looks up in SQL inside the write.
 */
export function indexedValues(kind: ResourceKind, resource: ResourceByKind[ResourceKind]): IndexedValues {
  if (kind === 'listener') {
    const listener = resource as Listener;
    return { loadbalancer_id: listener.loadbalancer_id, transport: transportOf(listener.protocol), protocol_port: listener.protocol_port };
  }
  if (kind === 'member') {
    const member = resource as Member;
    return { pool_id: member.pool_id, address: member.address, protocol_port: member.protocol_port };
  }
  return {};
}

/** The indexed columns of each table, in the order the unique indexes list them. */
export const UNIQUE_INDEX_COLUMNS: Record<UniqueIndex, { table: ResourceKind; columns: readonly string[] }> = {
  listener_port: { table: 'listener', columns: ['loadbalancer_id', 'transport', 'protocol_port'] },
  listener_bind: { table: 'listener', columns: ['bind_address', 'transport', 'protocol_port'] },
  member_address: { table: 'member', columns: ['pool_id', 'address', 'protocol_port'] },
};

/**
 * Listeners of one load balancer share its VIP, so a port clash there breaks listener_port and
 * listener_bind at once, and which one the database checks first is its own business. The
 * store reports listener_port then: it is the more specific conflict (design.md §2).
 */
export function reportedIndex(violated: UniqueIndex, listenerPortTaken: boolean): UniqueIndex {
  return violated === 'listener_bind' && listenerPortTaken ? 'listener_port' : violated;
}

const FIELD_NAME = /^[a-z_][a-z0-9_]*$/;

/** Filter field names end up inside SQL (a JSON path the expression indexes can match), so only plain names pass. */
export function assertFilterField(field: string): void {
  if (!FIELD_NAME.test(field)) throw new ElbowError('INVALID_QUERY', { field, detail: 'not a filterable field name' });
}

export function unknownMarker(kind: ResourceKind, marker: string): ElbowError {
  return new ElbowError('INVALID_QUERY', { field: 'marker', detail: `no ${kind} with id ${marker}` });
}

export function notFound(kind: ResourceKind, id: string): ElbowError {
  return new ElbowError('NOT_FOUND', { kind, id });
}
