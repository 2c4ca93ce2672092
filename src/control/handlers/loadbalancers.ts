// Load balancers: a VIP given by the client (free, a real address) or allocated from the range;
// deleting one with children needs cascade (400 without, as Octavia).

import { ElbowError } from '../../errors.js';
import { LOADBALANCER_DEFAULTS } from '../../model/defaults.js';
import { checkImmutableFields } from '../../model/rules/immutable-fields.js';
import { checkVipAddress, checkVipFree, checkVipRequested } from '../../model/rules/vip-address.js';
import type { LoadBalancer } from '../../model/types.js';
import { allocateVip } from '../../model/vip.js';
import { ACTIVE, meaningful, newBase, type KindHandler } from './handler.js';
import { removeListenerTree } from './listeners.js';
import { removePoolTree } from './pools.js';

export const loadbalancerHandler: KindHandler<'loadbalancer'> = {
  async create(tx, body, ctx) {
    checkVipRequested(body);
    const others = await tx.list('loadbalancer');
    let vipAddress: string;
    if (body.vip_address !== undefined) {
      vipAddress = checkVipAddress(body.vip_address);
      checkVipFree(vipAddress, others);
    } else {
      vipAddress = allocateVip(ctx.vipRange, others.map((lb) => lb.vip_address));
    }
    const loadbalancer: LoadBalancer = {
      ...newBase(ctx),
      ...ACTIVE,
      ...LOADBALANCER_DEFAULTS,
      ...meaningful('loadbalancer', body),
      vip_address: vipAddress,
      listeners: [],
      pools: [],
    };
    await tx.insert('loadbalancer', loadbalancer);
    return loadbalancer;
  },

  async update(tx, current, body, ctx) {
    const changes = meaningful('loadbalancer', body);
    if (changes.vip_address !== undefined) changes.vip_address = checkVipAddress(changes.vip_address);
    checkImmutableFields('loadbalancer', current, changes);
    const updated: LoadBalancer = { ...current, ...changes, updated_at: ctx.now };
    await tx.update('loadbalancer', updated);
    return updated;
  },

  async remove(tx, current, ctx) {
    const listeners = await tx.list('listener', { filters: { loadbalancer_id: current.id } });
    const pools = await tx.list('pool', { filters: { loadbalancer_id: current.id } });
    // Octavia answers 400 here, not 409: openstacksdk maps the two to different exceptions.
    if (!ctx.cascade && (listeners.length > 0 || pools.length > 0)) throw new ElbowError('LOADBALANCER_HAS_CHILDREN', { id: current.id });
    for (const listener of listeners) await removeListenerTree(tx, listener.id);
    for (const pool of pools) await removePoolTree(tx, pool.id);
    await tx.remove('loadbalancer', current.id);
  },
};
