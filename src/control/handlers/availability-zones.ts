// Availability zone profiles and zones (Octavia's admin resources): a profile's data is checked
// when written and fixed while a zone uses it; a zone's id is its name; nothing in use is deleted.

import { ElbowError } from '../../errors.js';
import { AVAILABILITYZONE_DEFAULTS, AVAILABILITYZONEPROFILE_DEFAULTS } from '../../model/defaults.js';
import { checkProvider } from '../../model/providers.js';
import type { AvailabilityZone, AvailabilityZoneProfile } from '../../model/types.js';
import { parseZoneData } from '../../model/zone-data.js';
import { meaningful, newBase, type KindHandler } from './handler.js';

export const availabilityzoneprofileHandler: KindHandler<'availabilityzoneprofile'> = {
  async create(tx, body, ctx) {
    const profile: AvailabilityZoneProfile = {
      ...newBase(ctx),
      ...AVAILABILITYZONEPROFILE_DEFAULTS,
      ...meaningful('availabilityzoneprofile', body),
      name: body.name,
      provider_name: body.provider_name,
      availability_zone_data: body.availability_zone_data,
    };
    checkProvider(profile.provider_name, 'provider_name');
    parseZoneData(profile.availability_zone_data);
    await tx.insert('availabilityzoneprofile', profile);
    return profile;
  },

  async update(tx, current, body, ctx) {
    const profile: AvailabilityZoneProfile = { ...current, ...meaningful('availabilityzoneprofile', body), updated_at: ctx.now };
    checkProvider(profile.provider_name, 'provider_name');
    parseZoneData(profile.availability_zone_data);
    if (profile.availability_zone_data !== current.availability_zone_data || profile.provider_name !== current.provider_name) {
      const zone = (await tx.list('availabilityzone', { filters: { availability_zone_profile_id: current.id } }))[0];
      if (zone) throw new ElbowError('IN_USE', { kind: 'availabilityzoneprofile', id: current.id, user_kind: 'availabilityzone', user_id: zone.id });
    }
    await tx.update('availabilityzoneprofile', profile);
    return profile;
  },

  async remove(tx, current) {
    const zone = (await tx.list('availabilityzone', { filters: { availability_zone_profile_id: current.id } }))[0];
    if (zone) throw new ElbowError('IN_USE', { kind: 'availabilityzoneprofile', id: current.id, user_kind: 'availabilityzone', user_id: zone.id });
    await tx.remove('availabilityzoneprofile', current.id);
  },
};

export const availabilityzoneHandler: KindHandler<'availabilityzone'> = {
  async create(tx, body, ctx) {
    if ((await tx.get('availabilityzone', body.name)) !== undefined) throw new ElbowError('ALREADY_EXISTS', { kind: 'availability zone', name: body.name });
    if ((await tx.get('availabilityzoneprofile', body.availability_zone_profile_id)) === undefined) {
      throw new ElbowError('OPTION_UNKNOWN', { field: 'availability_zone_profile_id', value: body.availability_zone_profile_id, kind: 'availability zone profile' });
    }
    const zone: AvailabilityZone = {
      ...newBase(ctx),
      ...AVAILABILITYZONE_DEFAULTS,
      ...meaningful('availabilityzone', body),
      // Octavia keys zones by name: GET /availabilityzones/{name}.
      id: body.name,
      name: body.name,
      availability_zone_profile_id: body.availability_zone_profile_id,
    };
    await tx.insert('availabilityzone', zone);
    return zone;
  },

  async update(tx, current, body, ctx) {
    const zone: AvailabilityZone = { ...current, ...meaningful('availabilityzone', body), updated_at: ctx.now };
    await tx.update('availabilityzone', zone);
    return zone;
  },

  async remove(tx, current) {
    const lb = (await tx.list('loadbalancer', { filters: { availability_zone: current.id } }))[0];
    if (lb) throw new ElbowError('IN_USE', { kind: 'availabilityzone', id: current.id, user_kind: 'loadbalancer', user_id: lb.id });
    await tx.remove('availabilityzone', current.id);
  },
};
