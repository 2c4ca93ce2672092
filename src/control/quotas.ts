// Quota enforcement, as Octavia does it: a project's load balancers, listeners, pools, members,
// health monitors, l7 policies and l7 rules are counted inside the transaction that creates one,
// and a create that would go beyond the project's limit is refused with Octavia's 403 (the
// transaction then writes nothing). Transactions run one at a time, so two creates cannot both
// take the last place. A limit of -1 (the default) is not counted at all.

import { ElbowError } from '../errors.js';
import { QUOTA_UNLIMITED } from '../model/resources/quota.js';
import type { CreateBody, UpdateBody } from '../model/schemas.js';
import type { Quota, ResourceKind } from '../model/types.js';
import type { StoreTx } from '../store/store.js';
import type { MutationContext } from './handlers/handler.js';
import { quotaHandler } from './handlers/quotas.js';
import { quotaLimits } from './views.js';

type Limited = 'loadbalancer' | 'listener' | 'pool' | 'member' | 'healthmonitor' | 'l7policy' | 'l7rule';

/** The kinds with a quota, and their names in Octavia's message (its data model class names). */
const QUOTA_NAMES: Readonly<Record<Limited, string>> = {
  loadbalancer: 'Load Balancer',
  listener: 'Listener',
  pool: 'Pool',
  member: 'Member',
  healthmonitor: 'Health Monitor',
  l7policy: 'L7 Policy',
  l7rule: 'L7 Rule',
};

const isLimited = (kind: ResourceKind): kind is Limited => kind in QUOTA_NAMES;

/** The project's limit for a kind: its quota's, else the default (unlimited). */
export function limitOf(quota: Quota | undefined, kind: Limited): number {
  return quota?.[kind] ?? QUOTA_UNLIMITED;
}

/**
 * Called after a resource was written in the transaction: QUOTA_EXCEEDED when its project now has
 * more of its kind than the project's limit.
 */
export async function checkQuota(tx: StoreTx, kind: ResourceKind, projectId: string): Promise<void> {
  if (!isLimited(kind)) return;
  const limit = limitOf(await tx.get('quota', projectId), kind);
  if (limit === QUOTA_UNLIMITED) return;
  const used = (await tx.list(kind, { filters: { project_id: projectId } })).length;
  if (used > limit) throw new ElbowError('QUOTA_EXCEEDED', { resource: QUOTA_NAMES[kind] });
}

/** A project's quota view when it has none: the defaults (Octavia's GET of such a project, and GET /quotas/defaults). */
export function defaultQuotaView(projectId?: string): Record<string, unknown> & { id: string } {
  return { id: projectId ?? '', ...(projectId === undefined ? {} : { project_id: projectId }), ...quotaLimits({}) };
}

/** PUT /quotas/{project}: creates the project's quota or updates it (only the limits given change). */
export async function setQuota(tx: StoreTx, projectId: string, body: UpdateBody<'quota'>, ctx: MutationContext): Promise<Quota> {
  const current = await tx.get('quota', projectId);
  return current === undefined ? quotaHandler.create(tx, body as CreateBody<'quota'>, { ...ctx, projectId }) : quotaHandler.update(tx, current, body, ctx);
}

/** DELETE /quotas/{project}: back to the defaults (a project without a quota is already there). */
export async function resetQuota(tx: StoreTx, projectId: string): Promise<void> {
  await tx.remove('quota', projectId);
}
