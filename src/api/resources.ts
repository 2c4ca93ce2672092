// The API's resource table: which collection path, which envelope keys and which parent each
// resource kind has. The CRUD routes and the OpenAPI document are both generated from it.
import type { ResourceKind } from '../model/types.js';

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
}

// Envelope names as in the Octavia v2 API reference (l7 rules are "rule"/"rules") and, for the
// extensions, Huawei ELB's (certificates, ipgroups).
export const RESOURCE_ROUTES: readonly ResourceRoute[] = [
  { kind: 'loadbalancer', collectionPath: 'loadbalancers', singular: 'loadbalancer', plural: 'loadbalancers' },
  { kind: 'listener', collectionPath: 'listeners', singular: 'listener', plural: 'listeners' },
  { kind: 'pool', collectionPath: 'pools', singular: 'pool', plural: 'pools' },
  { kind: 'member', collectionPath: 'pools/:pool_id/members', singular: 'member', plural: 'members', parent: 'pool_id' },
  { kind: 'healthmonitor', collectionPath: 'healthmonitors', singular: 'healthmonitor', plural: 'healthmonitors' },
  { kind: 'l7policy', collectionPath: 'l7policies', singular: 'l7policy', plural: 'l7policies' },
  { kind: 'l7rule', collectionPath: 'l7policies/:l7policy_id/rules', singular: 'rule', plural: 'rules', parent: 'l7policy_id' },
  { kind: 'certificate', collectionPath: 'certificates', singular: 'certificate', plural: 'certificates' },
  { kind: 'ipgroup', collectionPath: 'ipgroups', singular: 'ipgroup', plural: 'ipgroups' },
];

/** Both prefixes Octavia clients use (openstacksdk and octaviaclient use /v2.0). */
export const API_PREFIXES = ['/v2/lbaas', '/v2.0/lbaas'] as const;
