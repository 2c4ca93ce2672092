// The API's resource table: which collection path, which envelope keys and which parent each
// resource kind has, from the resource catalog. The CRUD routes and the OpenAPI document are both
// generated from it.
import { CATALOG } from '../model/resources/catalog.js';
import { OPERATIONS, type Operation } from '../model/resources/field.js';
import { RESOURCE_KINDS, type ResourceKind } from '../model/types.js';

/** A parent resource whose id appears in the path (members under pools, rules under l7policies). */
export type ParentParam = 'pool_id' | 'l7policy_id';

export interface ResourceRoute {
  readonly kind: ResourceKind;
  /** Path below the prefix, e.g. `pools/:pool_id/members`. */
  readonly collectionPath: string;
  /** Envelope key of one resource: `{"member": {...}}`. */
  readonly singular: string;
  /** Envelope key of a list: `{"members": [...], "members_links": []}`. */
  readonly plural: string;
  readonly parent?: ParentParam;
  /** The routes it has (quotas: no create). */
  readonly operations: readonly Operation[];
}

// Envelope names and paths as the catalog declares them: Octavia v2's (l7 rules are
// "rule"/"rules") and, for the extensions, Huawei ELB's (certificates, ipgroups).
export const RESOURCE_ROUTES: readonly ResourceRoute[] = RESOURCE_KINDS.map((kind) => {
  const { collectionPath, singular, plural, parent } = CATALOG[kind];
  const operations = (CATALOG[kind] as { operations?: readonly Operation[] }).operations ?? OPERATIONS;
  return { kind, collectionPath, singular, plural, operations, ...(parent !== undefined ? { parent: parent.field } : {}) };
});

/** Both prefixes Octavia clients use (openstacksdk and octaviaclient use /v2.0). */
export const API_PREFIXES = ['/v2/lbaas', '/v2.0/lbaas'] as const;
