// Quotas: a project's limits, keyed by the project id. "Create" sets the limits of the context's
// project (the control plane's quota PUT creates or updates); Octavia's older spellings
// load_balancer and health_monitor are taken as loadbalancer and healthmonitor.

import { QUOTA_DEFAULTS } from '../../model/defaults.js';
import type { UpdateBody } from '../../model/schemas.js';
import type { Quota } from '../../model/types.js';
import { meaningful, newBase, type KindHandler } from './handler.js';

type Limits = Partial<Pick<Quota, 'loadbalancer' | 'listener' | 'pool' | 'member' | 'healthmonitor' | 'l7policy' | 'l7rule'>>;

/** The limits a body sets, aliases folded into their names (the new spelling wins when both are given). */
function limits(body: UpdateBody<'quota'>): Limits {
  const { load_balancer, health_monitor, ...rest } = meaningful('quota', body);
  return {
    ...(load_balancer !== undefined ? { loadbalancer: load_balancer } : {}),
    ...(health_monitor !== undefined ? { healthmonitor: health_monitor } : {}),
    ...rest,
  };
}

export const quotaHandler: KindHandler<'quota'> = {
  async create(tx, body, ctx) {
    const quota: Quota = { ...newBase(ctx), ...QUOTA_DEFAULTS, ...limits(body as UpdateBody<'quota'>), id: ctx.projectId };
    await tx.insert('quota', quota);
    return quota;
  },

  async update(tx, current, body, ctx) {
    const quota: Quota = { ...current, ...limits(body), updated_at: ctx.now };
    await tx.update('quota', quota);
    return quota;
  },

  async remove(tx, current) {
    await tx.remove('quota', current.id);
  },
};
