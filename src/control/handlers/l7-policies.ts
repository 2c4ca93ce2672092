// Forwarding policies (l7policy): on HTTP-speaking listeners, each action with its target, and
// positions kept 1..n in order (a policy inserted at a position pushes the later ones down).

import { ElbowError } from '../../errors.js';
import { L7_POLICY_DEFAULTS, defaultRedirectHttpCode } from '../../model/defaults.js';
import { checkImmutableFields } from '../../model/rules/immutable-fields.js';
import { checkL7Listener, checkL7PolicyAction, checkRedirectListener, clearUnusedActionFields } from '../../model/rules/l7-policy.js';
import { checkPoolProtocol } from '../../model/rules/protocol-compat.js';
import type { L7Policy, Listener } from '../../model/types.js';
import type { StoreTx } from '../../store/store.js';
import { meaningful, mustGet, newBase, type KindHandler } from './handler.js';

async function checkPolicy(tx: StoreTx, policy: L7Policy, listener: Listener): Promise<void> {
  checkL7Listener(listener);
  checkL7PolicyAction(policy);
  if (policy.redirect_pool_id !== null) {
    const pool = await mustGet(tx, 'pool', policy.redirect_pool_id);
    if (pool.loadbalancer_id !== listener.loadbalancer_id) throw new ElbowError('POOL_LB_MISMATCH', { pool_id: pool.id, listener_id: listener.id });
    checkPoolProtocol(listener.protocol, pool.protocol);
  }
  if (policy.redirect_listener_id !== null) checkRedirectListener(listener, await mustGet(tx, 'listener', policy.redirect_listener_id));
}

/** A redirect without a code gets the default; a changed action drops the old action's fields. */
function normalize(policy: L7Policy): L7Policy {
  const withCode = policy.redirect_http_code === null ? { ...policy, redirect_http_code: defaultRedirectHttpCode(policy.action) } : policy;
  return clearUnusedActionFields(withCode);
}

/** Places `moved` at its requested position among the listener's policies and renumbers them 1..n. */
async function placePolicy(tx: StoreTx, moved: L7Policy, ctx: { now: string }): Promise<L7Policy> {
  const others = (await tx.list('l7policy', { filters: { listener_id: moved.listener_id } }))
    .filter((p) => p.id !== moved.id)
    .sort((a, b) => a.position - b.position);
  const index = Math.min(Math.max(moved.position, 1), others.length + 1) - 1;
  others.splice(index, 0, moved);
  let placed = moved;
  for (const [i, policy] of others.entries()) {
    if (policy === moved) {
      placed = { ...moved, position: i + 1 };
      continue;
    }
    if (policy.position !== i + 1) await tx.update('l7policy', { ...policy, position: i + 1, updated_at: ctx.now });
  }
  return placed;
}

export const l7policyHandler: KindHandler<'l7policy'> = {
  async create(tx, body, ctx) {
    const listener = await mustGet(tx, 'listener', body.listener_id);
    const given = meaningful('l7policy', body);
    const policy = normalize({
      ...newBase(ctx, listener.project_id),
      ...L7_POLICY_DEFAULTS,
      redirect_http_code: null,
      ...given,
      action: body.action,
      listener_id: listener.id,
      // Octavia appends when no position is given.
      position: given.position ?? Number.MAX_SAFE_INTEGER,
      fixed_response_config: given.fixed_response_config ? fixedResponse(given.fixed_response_config) : null,
      rules: [],
    });
    await checkPolicy(tx, policy, listener);
    const placed = await placePolicy(tx, policy, ctx);
    await tx.insert('l7policy', placed);
    return placed;
  },

  async update(tx, current, body, ctx) {
    const changes = meaningful('l7policy', body);
    checkImmutableFields('l7policy', current, changes);
    const actionChanged = changes.action !== undefined && changes.action !== current.action;
    const policy = normalize({
      ...current,
      ...(actionChanged && changes.redirect_http_code === undefined ? { redirect_http_code: null } : {}),
      ...changes,
      fixed_response_config:
        changes.fixed_response_config === undefined ? current.fixed_response_config : changes.fixed_response_config && fixedResponse(changes.fixed_response_config),
      updated_at: ctx.now,
    });
    await checkPolicy(tx, policy, await mustGet(tx, 'listener', policy.listener_id));
    const placed = changes.position === undefined ? policy : await placePolicy(tx, policy, ctx);
    await tx.update('l7policy', placed);
    return placed;
  },

  async remove(tx, current, ctx) {
    await removePolicyTree(tx, current.id);
    const rest = (await tx.list('l7policy', { filters: { listener_id: current.listener_id } })).sort((a, b) => a.position - b.position);
    for (const [i, policy] of rest.entries()) if (policy.position !== i + 1) await tx.update('l7policy', { ...policy, position: i + 1, updated_at: ctx.now });
  },
};

/** Huawei's fixed response: text/plain and an empty body unless given. */
function fixedResponse(body: { status_code: string; content_type?: string; message_body?: string }): L7Policy['fixed_response_config'] {
  return { status_code: body.status_code, content_type: body.content_type ?? 'text/plain', message_body: body.message_body ?? '' };
}

/** Deletes a policy with its rules. */
export async function removePolicyTree(tx: StoreTx, policyId: string): Promise<void> {
  for (const rule of await tx.list('l7rule', { filters: { l7policy_id: policyId } })) await tx.remove('l7rule', rule.id);
  await tx.remove('l7policy', policyId);
}
