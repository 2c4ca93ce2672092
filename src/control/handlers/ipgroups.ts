// IP address groups (Huawei extension): lists of addresses/CIDRs a listener white- or black-lists.

import { ElbowError } from '../../errors.js';
import { IPGROUP_DEFAULTS, IPGROUP_ENTRY_DESCRIPTION_DEFAULT } from '../../model/defaults.js';
import { checkCidrs } from '../../model/rules/cidrs.js';
import type { IpGroup, IpGroupEntry } from '../../model/types.js';
import { meaningful, newBase, requestedProject, type KindHandler } from './handler.js';

function entries(list: readonly { ip: string; description?: string }[]): IpGroupEntry[] {
  checkCidrs('ip_list', list.map((entry) => entry.ip));
  return list.map((entry) => ({ ip: entry.ip, description: entry.description ?? IPGROUP_ENTRY_DESCRIPTION_DEFAULT }));
}

export const ipgroupHandler: KindHandler<'ipgroup'> = {
  async create(tx, body, ctx) {
    const group: IpGroup = { ...newBase(ctx, requestedProject(body, ctx)), ...IPGROUP_DEFAULTS, ...meaningful('ipgroup', body), ip_list: entries(body.ip_list), listeners: [] };
    await tx.insert('ipgroup', group);
    return group;
  },

  async update(tx, current, body, ctx) {
    const { ip_list, ...changes } = meaningful('ipgroup', body);
    const group: IpGroup = { ...current, ...changes, ip_list: ip_list === undefined ? current.ip_list : entries(ip_list), updated_at: ctx.now };
    await tx.update('ipgroup', group);
    return group;
  },

  async remove(tx, current) {
    const listener = (await tx.list('listener')).find((l) => l.ipgroup?.ipgroup_id === current.id);
    if (listener) throw new ElbowError('IN_USE', { kind: 'ipgroup', id: current.id, user_kind: 'listener', user_id: listener.id });
    await tx.remove('ipgroup', current.id);
  },
};
