// When a write hits a unique index (a concurrent request won between our check and our write),
// the store throws UniqueViolation; this re-reads the store to name the resource that won.

import { findBindConflict, bindConflictError } from '../model/rules/listener-bind.js';
import { findPortConflict, portConflictError } from '../model/rules/listener-port.js';
import { findMemberConflict, memberConflictError } from '../model/rules/member-address.js';
import type { Listener, Member, ResourceByKind, ResourceKind } from '../model/types.js';
import type { Store, StoreTx, UniqueViolation } from '../store/store.js';
import { boundListeners } from './handlers/listeners.js';

export interface Write {
  kind: ResourceKind;
  resource: ResourceByKind[ResourceKind];
}

/** A transaction that remembers its last insert/update, the write a UniqueViolation is about. */
export function recordingTx(tx: StoreTx, record: (write: Write) => void): StoreTx {
  return {
    get: (kind, id) => tx.get(kind, id),
    list: (kind, query) => tx.list(kind, query),
    insert: (kind, resource) => (record({ kind, resource }), tx.insert(kind, resource)),
    update: (kind, resource) => (record({ kind, resource }), tx.update(kind, resource)),
    remove: (kind, id) => tx.remove(kind, id),
  };
}

/** The 409 naming the existing listener or member; the violation itself when it cannot be found. */
export async function conflictError(violation: UniqueViolation, write: Write | undefined, store: Store): Promise<Error> {
  if (write?.kind === 'listener') {
    const listener = write.resource as Listener;
    const siblings = await store.list('listener', { filters: { loadbalancer_id: listener.loadbalancer_id } });
    const sameLb = findPortConflict(listener, siblings);
    if (sameLb) return portConflictError(sameLb);
    const others = await boundListeners(store, listener.protocol_port);
    const address = (await store.get('loadbalancer', listener.loadbalancer_id))?.vip_address ?? '';
    const otherLb = findBindConflict({ ...listener, address }, others);
    if (otherLb) return bindConflictError(otherLb);
  }
  if (write?.kind === 'member') {
    const member = write.resource as Member;
    const existing = findMemberConflict(member, await store.list('member', { filters: { pool_id: member.pool_id } }));
    if (existing) return memberConflictError(existing);
  }
  return violation;
}
