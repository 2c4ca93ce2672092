// Listeners: the protocol/port rules of the spec, TLS and certificate references, access control
// and the default pool, all checked against the stored neighbours inside the transaction.

import { ElbowError } from '../../errors.js';
import { checkHoldsCrl } from '../certificates.js';
import { certificateIdFromRef } from '../../model/certificate-ref.js';
import { LISTENER_DEFAULTS } from '../../model/defaults.js';
import { checkCertificateType } from '../../model/rules/certificate-type.js';
import { checkCidrs } from '../../model/rules/cidrs.js';
import { checkImmutableFields } from '../../model/rules/immutable-fields.js';
import { checkBindConflict, type BoundListener } from '../../model/rules/listener-bind.js';
import { checkPortConflict } from '../../model/rules/listener-port.js';
import { checkInsertHeaders, checkTcpInspect } from '../../model/rules/listener-http.js';
import { checkListenerTls, checkSslAllowed } from '../../model/rules/listener-tls.js';
import { checkPoolProtocol } from '../../model/rules/protocol-compat.js';
import type { Certificate, Listener, ListenerIpGroup, LoadBalancer } from '../../model/types.js';
import type { StoreTx } from '../../store/store.js';
import { meaningful, mustGet, newBase, type KindHandler } from './handler.js';
import { removePolicyTree } from './l7-policies.js';

type IpGroupBody = { ipgroup_id: string; enable_ipgroup?: boolean; type?: 'white' | 'black' } | null;

/** Huawei's ipgroup reference: enabled white list unless told otherwise. */
function ipGroupReference(body: IpGroupBody, current: ListenerIpGroup | null): ListenerIpGroup | null {
  if (body === null) return null;
  return { ipgroup_id: body.ipgroup_id, enable_ipgroup: body.enable_ipgroup ?? current?.enable_ipgroup ?? true, type: body.type ?? current?.type ?? 'white' };
}

async function checkCertificateRef(tx: StoreTx, field: string, ref: string | null, expected: Certificate['type'] | null): Promise<void> {
  if (ref === null) return;
  const certificate = await mustGet(tx, 'certificate', certificateIdFromRef(ref));
  if (expected) checkCertificateType(field, certificate, expected);
}

/** Some clients send "" for an unset certificate reference: it means none. */
function emptyRefsToNull(listener: Listener): Listener {
  const none = (ref: string | null) => (ref === '' ? null : ref);
  return {
    ...listener,
    default_tls_container_ref: none(listener.default_tls_container_ref),
    client_ca_tls_container_ref: none(listener.client_ca_tls_container_ref),
    client_crl_container_ref: none(listener.client_crl_container_ref),
  };
}

/** Every rule a listener's new state must pass, against the other stored resources. */
async function checkListener(tx: StoreTx, listener: Listener, loadbalancer: LoadBalancer): Promise<void> {
  checkSslAllowed(listener.protocol, loadbalancer);
  checkListenerTls(listener);
  checkInsertHeaders(listener);
  checkTcpInspect(listener);
  checkCidrs('allowed_cidrs', listener.allowed_cidrs);
  await checkCertificateRef(tx, 'default_tls_container_ref', listener.default_tls_container_ref, 'server');
  for (const ref of listener.sni_container_refs) await checkCertificateRef(tx, 'sni_container_refs', ref, 'server');
  await checkCertificateRef(tx, 'client_ca_tls_container_ref', listener.client_ca_tls_container_ref, 'client');
  if (listener.client_crl_container_ref !== null) {
    checkHoldsCrl('client_crl_container_ref', await mustGet(tx, 'certificate', certificateIdFromRef(listener.client_crl_container_ref)));
  }
  if (listener.ipgroup) await mustGet(tx, 'ipgroup', listener.ipgroup.ipgroup_id);
  if (listener.default_pool_id !== null) {
    const pool = await mustGet(tx, 'pool', listener.default_pool_id);
    if (pool.loadbalancer_id !== listener.loadbalancer_id) throw new ElbowError('POOL_LB_MISMATCH', { pool_id: pool.id, listener_id: listener.id });
    checkPoolProtocol(listener.protocol, pool.protocol);
  }
  checkPortConflict(listener, await tx.list('listener', { filters: { loadbalancer_id: listener.loadbalancer_id } }));
  checkBindConflict({ ...listener, address: loadbalancer.vip_address }, await boundListeners(tx, listener.protocol_port));
}

/** Listeners on a port, with the VIP each binds. */
export async function boundListeners(tx: Pick<StoreTx, 'list'>, port: number): Promise<BoundListener[]> {
  const addresses = new Map((await tx.list('loadbalancer')).map((lb) => [lb.id, lb.vip_address]));
  const listeners = await tx.list('listener', { filters: { protocol_port: port } });
  return listeners.map((l) => ({ ...l, address: addresses.get(l.loadbalancer_id) ?? '' }));
}

export const listenerHandler: KindHandler<'listener'> = {
  async create(tx, body, ctx) {
    const loadbalancer = await mustGet(tx, 'loadbalancer', body.loadbalancer_id);
    const { ipgroup, ...rest } = meaningful('listener', body);
    const listener: Listener = emptyRefsToNull({
      ...newBase(ctx, loadbalancer.project_id),
      ...LISTENER_DEFAULTS,
      ...rest,
      protocol: body.protocol,
      protocol_port: body.protocol_port,
      loadbalancer_id: body.loadbalancer_id,
      ipgroup: ipgroup === undefined ? null : ipGroupReference(ipgroup, null),
      loadbalancers: [{ id: loadbalancer.id }],
      l7policies: [],
    });
    await checkListener(tx, listener, loadbalancer);
    await tx.insert('listener', listener);
    return listener;
  },

  async update(tx, current, body, ctx) {
    const { ipgroup, ...changes } = meaningful('listener', body);
    checkImmutableFields('listener', current, changes);
    const listener: Listener = emptyRefsToNull({
      ...current,
      ...changes,
      ipgroup: ipgroup === undefined ? current.ipgroup : ipGroupReference(ipgroup, current.ipgroup),
      updated_at: ctx.now,
    });
    await checkListener(tx, listener, await mustGet(tx, 'loadbalancer', listener.loadbalancer_id));
    await tx.update('listener', listener);
    return listener;
  },

  async remove(tx, current) {
    const redirecting = (await tx.list('l7policy', { filters: { redirect_listener_id: current.id } })).find((p) => p.listener_id !== current.id);
    if (redirecting) throw new ElbowError('IN_USE', { kind: 'listener', id: current.id, user_kind: 'l7policy', user_id: redirecting.id });
    await removeListenerTree(tx, current.id);
  },
};

/** Deletes a listener with its forwarding policies and their rules (Octavia's cascade). */
export async function removeListenerTree(tx: StoreTx, listenerId: string): Promise<void> {
  for (const policy of await tx.list('l7policy', { filters: { listener_id: listenerId } })) await removePolicyTree(tx, policy.id);
  await tx.remove('listener', listenerId);
}
