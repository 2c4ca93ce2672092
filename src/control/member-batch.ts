// Octavia's batch member update, PUT /pools/{id}/members {"members": [...]}: the list is the
// pool's members as they should be. Members are matched by address and port: a listed member that
// exists is updated to the list's values (fields the list leaves out go back to their defaults, as
// in Octavia; its name and tags stay unless given), one that does not is created, and every member
// not listed is deleted unless `additive_only`. cloud-provider-openstack syncs a Service's endpoints
// this way. The caller runs it in one transaction: one revision, one apply.

import { isDeepStrictEqual } from 'node:util';
import { ElbowError } from '../errors.js';
import { MEMBER_DEFAULTS, defaultMemberPort } from '../model/defaults.js';
import { checkMemberAddress } from '../model/rules/member-address.js';
import type { CreateBody } from '../model/schemas.js';
import type { Member, Pool } from '../model/types.js';
import type { StoreTx } from '../store/store.js';
import type { MutationContext } from './handlers/handler.js';
import { memberHandler } from './handlers/members.js';
import { createOne } from './single-create.js';

/** What the batch did, for tests and logs. */
export interface BatchOutcome {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
}

/** The fields Octavia's batch body (MemberPOST) resets to their defaults when a listed member leaves them out. */
const RESET_WHEN_OMITTED = ['admin_state_up', 'weight', 'backup', 'monitor_address', 'monitor_port'] as const;

const keyOf = (address: string, port: number) => `${address} ${port}`;

export async function replaceMembers(tx: StoreTx, pool: Pool, wanted: readonly CreateBody<'member'>[], additiveOnly: boolean, ctx: MutationContext): Promise<BatchOutcome> {
  const existing = new Map((await tx.list('member', { filters: { pool_id: pool.id } })).map((member) => [keyOf(member.address, member.protocol_port), member]));
  const listed = new Set<string>();
  const toUpdate: [Member, CreateBody<'member'>][] = [];
  const toCreate: CreateBody<'member'>[] = [];
  for (const [i, body] of wanted.entries()) {
    const port = body.protocol_port ?? defaultMemberPort(pool.protocol);
    if (port === undefined) {
      throw new ElbowError('INVALID_BODY', { field: `members[${i}].protocol_port`, detail: `required for members of ${pool.protocol} pools (only HTTP pools default to 80)` });
    }
    const key = keyOf(checkMemberAddress(`members[${i}].address`, body.address), port);
    if (listed.has(key)) throw new ElbowError('INVALID_BODY', { field: `members[${i}]`, detail: `${body.address} port ${port} is listed twice: a member must appear once in the batch` });
    listed.add(key);
    const current = existing.get(key);
    if (current === undefined) toCreate.push({ ...body, protocol_port: port });
    else toUpdate.push([current, body]);
  }
  let deleted = 0;
  if (!additiveOnly) {
    for (const [key, member] of existing) {
      if (listed.has(key)) continue;
      await memberHandler.remove(tx, member, ctx);
      deleted++;
    }
  }
  let updated = 0;
  for (const [current, body] of toUpdate) {
    const changes: Record<string, unknown> = {};
    for (const field of RESET_WHEN_OMITTED) changes[field] = body[field] ?? MEMBER_DEFAULTS[field];
    for (const field of ['name', 'tags', 'subnet_id'] as const) if (body[field] !== undefined) changes[field] = body[field];
    const current_ = current as unknown as Record<string, unknown>;
    // A member the batch does not change is not written: no new revision for a sync that finds nothing to do.
    if (Object.entries(changes).every(([field, value]) => isDeepStrictEqual(current_[field] ?? null, value ?? null))) continue;
    await memberHandler.update(tx, current, changes, ctx);
    updated++;
  }
  const memberContext = { ...ctx, parent: { pool_id: pool.id } };
  for (const body of toCreate) await createOne(tx, 'member', body as Record<string, unknown>, memberContext);
  return { created: toCreate.length, updated, deleted };
}
