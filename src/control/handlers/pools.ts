// Pools (server groups): created under a load balancer or as a listener's default pool; the
// listener→pool protocol table and session persistence rules apply; a policy's target is not deleted.

import { ElbowError } from '../../errors.js';
import { checkHoldsCrl } from '../certificates.js';
import { checkPoolTlsSupported } from '../../model/rules/pool-tls.js';
import { certificateIdFromRef } from '../../model/certificate-ref.js';
import { POOL_DEFAULTS, SESSION_PERSISTENCE_DEFAULTS } from '../../model/defaults.js';
import { checkCertificateType } from '../../model/rules/certificate-type.js';
import { checkImmutableFields } from '../../model/rules/immutable-fields.js';
import { ALPN_PROTOCOLS, TLS_VERSIONS, checkAllowedValues } from '../../model/rules/listener-tls.js';
import { checkPoolProtocol } from '../../model/rules/protocol-compat.js';
import { checkSessionPersistence } from '../../model/rules/session-persistence.js';
import type { Pool, SessionPersistence } from '../../model/types.js';
import type { StoreTx } from '../../store/store.js';
import { meaningful, mustGet, newBase, type KindHandler } from './handler.js';

type SessionPersistenceBody = Partial<SessionPersistence> & Pick<SessionPersistence, 'type'>;

function sessionPersistence(body: SessionPersistenceBody | null): SessionPersistence | null {
  return body === null ? null : { ...SESSION_PERSISTENCE_DEFAULTS, ...body };
}

async function checkPool(tx: StoreTx, pool: Pool): Promise<void> {
  checkSessionPersistence(pool.protocol, pool.session_persistence);
  checkAllowedValues('tls_versions', pool.tls_versions, TLS_VERSIONS);
  checkAllowedValues('alpn_protocols', pool.alpn_protocols, ALPN_PROTOCOLS);
  if (pool.tls_container_ref !== null) {
    checkCertificateType('tls_container_ref', await mustGet(tx, 'certificate', certificateIdFromRef(pool.tls_container_ref)), 'server');
  }
  if (pool.ca_tls_container_ref !== null) {
    checkCertificateType('ca_tls_container_ref', await mustGet(tx, 'certificate', certificateIdFromRef(pool.ca_tls_container_ref)), 'client');
  }
  if (pool.crl_container_ref !== null) {
    if (pool.ca_tls_container_ref === null) throw new ElbowError('INVALID_BODY', { field: 'crl_container_ref', detail: 'a revocation list needs ca_tls_container_ref' });
    checkHoldsCrl('crl_container_ref', await mustGet(tx, 'certificate', certificateIdFromRef(pool.crl_container_ref)));
  }
  checkPoolTlsSupported(pool);
}

export const poolHandler: KindHandler<'pool'> = {
  async create(tx, body, ctx) {
    const { listener_id, loadbalancer_id, session_persistence, ...rest } = meaningful('pool', body);
    if (listener_id === undefined && loadbalancer_id === undefined) {
      throw new ElbowError('INVALID_BODY', { field: 'loadbalancer_id', detail: 'one of loadbalancer_id or listener_id is required' });
    }
    const listener = listener_id === undefined ? undefined : await mustGet(tx, 'listener', listener_id);
    const lbId = loadbalancer_id ?? listener?.loadbalancer_id ?? '';
    const loadbalancer = await mustGet(tx, 'loadbalancer', lbId);
    const pool: Pool = {
      ...newBase(ctx, loadbalancer.project_id),
      ...POOL_DEFAULTS,
      ...rest,
      protocol: body.protocol,
      lb_algorithm: body.lb_algorithm,
      session_persistence: sessionPersistence(session_persistence ?? null),
      loadbalancer_id: lbId,
      loadbalancers: [{ id: lbId }],
      listeners: [],
      members: [],
    };
    await checkPool(tx, pool);
    if (listener) {
      if (listener.loadbalancer_id !== lbId) throw new ElbowError('POOL_LB_MISMATCH', { pool_id: pool.id, listener_id: listener.id });
      if (listener.default_pool_id !== null) throw new ElbowError('LISTENER_HAS_DEFAULT_POOL', { listener_id: listener.id, pool_id: listener.default_pool_id });
      checkPoolProtocol(listener.protocol, pool.protocol);
    }
    await tx.insert('pool', pool);
    if (listener) await tx.update('listener', { ...listener, default_pool_id: pool.id, updated_at: ctx.now });
    return pool;
  },

  async update(tx, current, body, ctx) {
    const { session_persistence, ...changes } = meaningful('pool', body);
    checkImmutableFields('pool', current, changes);
    const pool: Pool = {
      ...current,
      ...changes,
      session_persistence: session_persistence === undefined ? current.session_persistence : sessionPersistence(session_persistence),
      updated_at: ctx.now,
    };
    await checkPool(tx, pool);
    await tx.update('pool', pool);
    return pool;
  },

  /**
   * As Octavia: a policy redirecting to the pool keeps it (409); listeners using it as their
   * default pool let go of it (default_pool_id back to null: their requests then get 503 and
   * their connections a reset), so that Terraform can delete a pool before its listener.
   */
  async remove(tx, current, ctx) {
    const policy = (await tx.list('l7policy', { filters: { redirect_pool_id: current.id } }))[0];
    if (policy) throw new ElbowError('IN_USE', { kind: 'pool', id: current.id, user_kind: 'l7policy', user_id: policy.id });
    for (const listener of await tx.list('listener', { filters: { default_pool_id: current.id } })) {
      await tx.update('listener', { ...listener, default_pool_id: null, updated_at: ctx.now });
    }
    await removePoolTree(tx, current.id);
  },
};

/** Deletes a pool with its members and health monitor (Octavia's cascade). */
export async function removePoolTree(tx: StoreTx, poolId: string): Promise<void> {
  for (const member of await tx.list('member', { filters: { pool_id: poolId } })) await tx.remove('member', member.id);
  for (const monitor of await tx.list('healthmonitor', { filters: { pool_id: poolId } })) await tx.remove('healthmonitor', monitor.id);
  await tx.remove('pool', poolId);
}
