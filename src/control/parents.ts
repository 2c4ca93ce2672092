// Members live under pools and l7 rules under l7 policies in the API's paths: the parent's field
// and index, and the check that a child is asked for under its own parent.

import { ElbowError } from '../errors.js';
import type { ResourceByKind, ResourceKind } from '../model/types.js';
import type { Parent } from './handlers/handler.js';

/** Kinds addressed under a parent in the URL, and the parent's field. */
export const PARENT_FIELD: Partial<Record<ResourceKind, keyof Parent>> = { member: 'pool_id', l7rule: 'l7policy_id' };
/** The mirror's index listing a parent's children. */
export const PARENT_INDEX = { pool_id: 'membersByPool', l7policy_id: 'rulesByPolicy' } as const;
export const PARENT_KIND: Record<keyof Parent, ResourceKind> = { pool_id: 'pool', l7policy_id: 'l7policy' };

/** NOT_FOUND when a member / l7rule is asked for under another parent than its own. */
export function checkParent(kind: ResourceKind, resource: ResourceByKind[ResourceKind], parent: Parent | undefined): void {
  const field = PARENT_FIELD[kind];
  const wanted = field ? parent?.[field] : undefined;
  if (field && wanted !== undefined && (resource as unknown as Record<string, unknown>)[field] !== wanted) {
    throw new ElbowError('NOT_FOUND', { kind, id: resource.id });
  }
}
