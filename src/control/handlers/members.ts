// Members (backend servers) of a pool: an IP address, a port (80 by default for HTTP pools),
// never the same address+port twice in one pool.

import { ElbowError } from '../../errors.js';
import { MEMBER_DEFAULTS, defaultMemberPort } from '../../model/defaults.js';
import { checkImmutableFields } from '../../model/rules/immutable-fields.js';
import { checkMemberAddress, checkMemberConflict } from '../../model/rules/member-address.js';
import type { Member } from '../../model/types.js';
import type { StoreTx } from '../../store/store.js';
import { meaningful, mustGet, newBase, type KindHandler } from './handler.js';

async function checkMember(tx: StoreTx, member: Member): Promise<void> {
  if (member.monitor_address !== null) checkMemberAddress('monitor_address', member.monitor_address);
  checkMemberConflict(member, await tx.list('member', { filters: { pool_id: member.pool_id } }));
}

export const memberHandler: KindHandler<'member'> = {
  async create(tx, body, ctx) {
    const pool = await mustGet(tx, 'pool', ctx.parent.pool_id ?? '');
    const protocolPort = body.protocol_port ?? defaultMemberPort(pool.protocol);
    if (protocolPort === undefined) {
      throw new ElbowError('INVALID_BODY', { field: 'protocol_port', detail: `required for members of ${pool.protocol} pools (only HTTP pools default to 80)` });
    }
    const member: Member = {
      ...newBase(ctx, pool.project_id),
      ...MEMBER_DEFAULTS,
      ...meaningful('member', body),
      pool_id: pool.id,
      address: checkMemberAddress('address', body.address),
      protocol_port: protocolPort,
    };
    await checkMember(tx, member);
    await tx.insert('member', member);
    return member;
  },

  async update(tx, current, body, ctx) {
    const changes = meaningful('member', body);
    if (changes.address !== undefined) changes.address = checkMemberAddress('address', changes.address);
    checkImmutableFields('member', current, changes);
    const member: Member = { ...current, ...changes, updated_at: ctx.now };
    await checkMember(tx, member);
    await tx.update('member', member);
    return member;
  },

  async remove(tx, current) {
    await tx.remove('member', current.id);
  },
};
