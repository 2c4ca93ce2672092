// Flavor profiles and flavors (Octavia's admin resources): a profile's flavor_data is checked when
// written (only keys elbow honours, valid listener values) and fixed while a flavor uses it;
// flavor names are unique; nothing in use is deleted.

import { ElbowError } from '../../errors.js';
import { FLAVOR_DEFAULTS, FLAVORPROFILE_DEFAULTS } from '../../model/defaults.js';
import { parseFlavorData } from '../../model/flavor-data.js';
import { checkProvider } from '../../model/providers.js';
import type { Flavor, FlavorProfile } from '../../model/types.js';
import type { StoreTx } from '../../store/store.js';
import { meaningful, newBase, type KindHandler } from './handler.js';

async function checkNameFree(tx: StoreTx, flavor: Flavor): Promise<void> {
  const taken = (await tx.list('flavor', { filters: { name: flavor.name } })).find((other) => other.id !== flavor.id);
  if (taken) throw new ElbowError('ALREADY_EXISTS', { kind: 'flavor', name: flavor.name });
}

export const flavorprofileHandler: KindHandler<'flavorprofile'> = {
  async create(tx, body, ctx) {
    const profile: FlavorProfile = { ...newBase(ctx), ...FLAVORPROFILE_DEFAULTS, ...meaningful('flavorprofile', body), name: body.name, provider_name: body.provider_name, flavor_data: body.flavor_data };
    checkProvider(profile.provider_name, 'provider_name');
    parseFlavorData(profile.flavor_data);
    await tx.insert('flavorprofile', profile);
    return profile;
  },

  async update(tx, current, body, ctx) {
    const profile: FlavorProfile = { ...current, ...meaningful('flavorprofile', body), updated_at: ctx.now };
    checkProvider(profile.provider_name, 'provider_name');
    parseFlavorData(profile.flavor_data);
    // As Octavia: what a profile means may not change under the load balancers of its flavors.
    if (profile.flavor_data !== current.flavor_data || profile.provider_name !== current.provider_name) {
      const flavor = (await tx.list('flavor', { filters: { flavor_profile_id: current.id } }))[0];
      if (flavor) throw new ElbowError('IN_USE', { kind: 'flavorprofile', id: current.id, user_kind: 'flavor', user_id: flavor.id });
    }
    await tx.update('flavorprofile', profile);
    return profile;
  },

  async remove(tx, current) {
    const flavor = (await tx.list('flavor', { filters: { flavor_profile_id: current.id } }))[0];
    if (flavor) throw new ElbowError('IN_USE', { kind: 'flavorprofile', id: current.id, user_kind: 'flavor', user_id: flavor.id });
    await tx.remove('flavorprofile', current.id);
  },
};

export const flavorHandler: KindHandler<'flavor'> = {
  async create(tx, body, ctx) {
    if ((await tx.get('flavorprofile', body.flavor_profile_id)) === undefined) {
      throw new ElbowError('OPTION_UNKNOWN', { field: 'flavor_profile_id', value: body.flavor_profile_id, kind: 'flavor profile' });
    }
    const flavor: Flavor = { ...newBase(ctx), ...FLAVOR_DEFAULTS, ...meaningful('flavor', body), name: body.name, flavor_profile_id: body.flavor_profile_id };
    await checkNameFree(tx, flavor);
    await tx.insert('flavor', flavor);
    return flavor;
  },

  async update(tx, current, body, ctx) {
    const flavor: Flavor = { ...current, ...meaningful('flavor', body), updated_at: ctx.now };
    await checkNameFree(tx, flavor);
    await tx.update('flavor', flavor);
    return flavor;
  },

  async remove(tx, current) {
    const lb = (await tx.list('loadbalancer', { filters: { flavor_id: current.id } }))[0];
    if (lb) throw new ElbowError('IN_USE', { kind: 'flavor', id: current.id, user_kind: 'loadbalancer', user_id: lb.id });
    await tx.remove('flavor', current.id);
  },
};
