// Load balancers: a VIP given by the client (free, a real address) or allocated from the range
// (its availability zone's, else elbow's); a provider elbow answers to, a flavor and a zone that
// exist and are enabled; deleting one with children needs cascade (400 without, as Octavia).

import { ElbowError } from '../../errors.js';
import { LOADBALANCER_DEFAULTS } from '../../model/defaults.js';
import { checkImmutableFields } from '../../model/rules/immutable-fields.js';
import { checkProvider } from '../../model/providers.js';
import { checkVipAddress, checkVipFree, checkVipRequested } from '../../model/rules/vip-address.js';
import type { LoadBalancer } from '../../model/types.js';
import { allocateVip, type VipRange } from '../../model/vip.js';
import { parseZoneData } from '../../model/zone-data.js';
import type { StoreTx } from '../../store/store.js';
import { meaningful, newBase, requestedProject, type KindHandler } from './handler.js';

/** Octavia: an unknown flavor or zone is a 400 (not a 404), a disabled one too. */
async function checkFlavor(tx: StoreTx, flavorId: string | null): Promise<void> {
  if (flavorId === null) return;
  const flavor = await tx.get('flavor', flavorId);
  if (flavor === undefined) throw new ElbowError('OPTION_UNKNOWN', { field: 'flavor_id', value: flavorId, kind: 'flavor' });
  if (!flavor.enabled) throw new ElbowError('OPTION_DISABLED', { kind: 'flavor', value: flavorId, field: 'flavor_id' });
}

/** The zone's VIP range, if its profile gives one; OPTION_UNKNOWN / OPTION_DISABLED for a zone that cannot be used. */
async function zoneVipRange(tx: StoreTx, zoneName: string | null): Promise<VipRange | undefined> {
  if (zoneName === null) return undefined;
  const zone = await tx.get('availabilityzone', zoneName);
  if (zone === undefined) throw new ElbowError('OPTION_UNKNOWN', { field: 'availability_zone', value: zoneName, kind: 'availability zone' });
  if (!zone.enabled) throw new ElbowError('OPTION_DISABLED', { kind: 'availability_zone', value: zoneName, field: 'availability_zone' });
  const profile = await tx.get('availabilityzoneprofile', zone.availability_zone_profile_id);
  return profile === undefined ? undefined : parseZoneData(profile.availability_zone_data).vipRange;
}
import { removeListenerTree } from './listeners.js';
import { removePoolTree } from './pools.js';

export const loadbalancerHandler: KindHandler<'loadbalancer'> = {
  async create(tx, body, ctx) {
    checkVipRequested(body);
    if (body.provider !== undefined) checkProvider(body.provider);
    await checkFlavor(tx, body.flavor_id ?? null);
    const zoneRange = await zoneVipRange(tx, body.availability_zone ?? null);
    const others = await tx.list('loadbalancer');
    let vipAddress: string;
    if (body.vip_address !== undefined) {
      vipAddress = checkVipAddress(body.vip_address);
      checkVipFree(vipAddress, others);
    } else {
      vipAddress = allocateVip(zoneRange ?? ctx.vipRange, others.map((lb) => lb.vip_address));
    }
    const loadbalancer: LoadBalancer = {
      ...newBase(ctx, requestedProject(body, ctx)),
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
    // elbow extension: a load balancer may move to another zone (its nodes serve it from then on).
    if (changes.availability_zone !== undefined && changes.availability_zone !== current.availability_zone) await zoneVipRange(tx, changes.availability_zone);
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
