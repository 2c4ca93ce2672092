// The API's resources as the console names and links them: collection paths (the same table as
// src/api/resources.ts), the schema names in /openapi.json, and each resource's console URL.

export type Kind = 'loadbalancer' | 'listener' | 'pool' | 'member' | 'healthmonitor' | 'l7policy' | 'l7rule' | 'certificate' | 'ipgroup';

export interface KindInfo {
  /** Envelope key of one resource. */
  singular: string;
  /** Collection below /v2/lbaas; members and rules sit under their parent. */
  collection: string;
  label: string;
  /** Schema names in /openapi.json: `${schema}Create`, `${schema}Update`. */
  schema: string;
  /** The parent id in the path: pools/{pool_id}/members. */
  parent?: 'pool_id' | 'l7policy_id';
}

export const KINDS: Record<Kind, KindInfo> = {
  loadbalancer: { singular: 'loadbalancer', collection: 'loadbalancers', label: 'load balancer', schema: 'Loadbalancer' },
  listener: { singular: 'listener', collection: 'listeners', label: 'listener', schema: 'Listener' },
  pool: { singular: 'pool', collection: 'pools', label: 'backend server group (pool)', schema: 'Pool' },
  member: { singular: 'member', collection: 'members', label: 'backend server (member)', schema: 'Member', parent: 'pool_id' },
  healthmonitor: { singular: 'healthmonitor', collection: 'healthmonitors', label: 'health monitor', schema: 'Healthmonitor' },
  l7policy: { singular: 'l7policy', collection: 'l7policies', label: 'forwarding policy (L7 policy)', schema: 'L7policy' },
  l7rule: { singular: 'rule', collection: 'rules', label: 'forwarding rule (L7 rule)', schema: 'L7rule', parent: 'l7policy_id' },
  certificate: { singular: 'certificate', collection: 'certificates', label: 'certificate', schema: 'Certificate' },
  ipgroup: { singular: 'ipgroup', collection: 'ipgroups', label: 'IP address group', schema: 'Ipgroup' },
};

const PARENT_COLLECTION = { pool_id: 'pools', l7policy_id: 'l7policies' } as const;

/** The API path of a collection: `pools/<pool>/members`. */
export function collectionPath(kind: Kind, parentId?: string): string {
  const info = KINDS[kind];
  return info.parent === undefined ? info.collection : `${PARENT_COLLECTION[info.parent]}/${encodeURIComponent(parentId ?? '')}/${info.collection}`;
}

/** The API path of one resource. */
export function itemPath(kind: Kind, id: string, parentId?: string): string {
  return `${collectionPath(kind, parentId)}/${encodeURIComponent(id)}`;
}

/** The console URL (below /console) where a resource is shown. */
export function consoleUrl(kind: Kind, id: string, parentId?: string): string {
  switch (kind) {
    case 'member':
    case 'l7rule':
      return `/${collectionPath(kind, parentId)}/${id}/edit`;
    case 'healthmonitor':
      return `/healthmonitors/${id}/edit`;
    default:
      return `/${KINDS[kind].collection}/${id}`;
  }
}

/** A resource's label: its name, else the start of its id. */
export function title(resource: { id: string; name?: unknown }): string {
  return typeof resource.name === 'string' && resource.name !== '' ? resource.name : resource.id.slice(0, 8);
}
