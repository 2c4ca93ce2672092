// The API's resources as the console names and links them: collection paths (the same table as
// src/api/resources.ts), the schema names in /openapi.json, and each resource's console URL.

export type Kind =
  | 'loadbalancer'
  | 'listener'
  | 'pool'
  | 'member'
  | 'healthmonitor'
  | 'l7policy'
  | 'l7rule'
  | 'certificate'
  | 'ipgroup'
  | 'quota'
  | 'flavorprofile'
  | 'flavor'
  | 'availabilityzoneprofile'
  | 'availabilityzone'
  | 'node';

/** The kinds an administrator sets up for everyone (Octavia's admin resources), on the Admin page. */
export const ADMIN_KINDS = ['flavor', 'flavorprofile', 'availabilityzone', 'availabilityzoneprofile', 'quota'] as const satisfies readonly Kind[];
export type AdminKind = (typeof ADMIN_KINDS)[number];

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
  /** A quota has no create: it is set by PUT to its project id, which its create form asks for. */
  createByPut?: { idField: string; help: string };
  /** What deleting it does, on its button ("Delete" when unset). */
  deleteVerb?: string;
  /** The columns of its list page, besides its name (admin kinds). */
  columns?: string[];
  /** Columns holding another admin resource's id, shown by that resource's name. */
  columnRefs?: Partial<Record<string, AdminKind>>;
  /** What its list page says it is for. */
  about?: string;
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
  flavor: {
    singular: 'flavor',
    collection: 'flavors',
    label: 'flavor',
    schema: 'Flavor',
    columns: ['description', 'flavor_profile_id', 'enabled'],
    columnRefs: { flavor_profile_id: 'flavorprofile' },
    about: 'Named sets of listener defaults that load balancers choose with flavor_id; the settings come from the flavor profile.',
  },
  flavorprofile: {
    singular: 'flavorprofile',
    collection: 'flavorprofiles',
    label: 'flavor profile',
    schema: 'Flavorprofile',
    columns: ['provider_name', 'flavor_data'],
    about: 'What a flavor means: flavor_data sets the defaults of the listeners of its load balancers.',
  },
  availabilityzone: {
    singular: 'availability_zone',
    collection: 'availabilityzones',
    label: 'availability zone',
    schema: 'Availabilityzone',
    columns: ['description', 'availability_zone_profile_id', 'enabled'],
    columnRefs: { availability_zone_profile_id: 'availabilityzoneprofile' },
    about: 'Where load balancers go: the elbow nodes started with that --availability-zone serve its load balancers.',
  },
  availabilityzoneprofile: {
    singular: 'availability_zone_profile',
    collection: 'availabilityzoneprofiles',
    label: 'availability zone profile',
    schema: 'Availabilityzoneprofile',
    columns: ['provider_name', 'availability_zone_data'],
    about: "What a zone means: availability_zone_data may give the range its VIPs are allocated from (vip_range).",
  },
  quota: {
    singular: 'quota',
    collection: 'quotas',
    label: 'quota',
    schema: 'Quota',
    createByPut: { idField: 'project_id', help: 'The project the limits are for; its quota is named by it.' },
    deleteVerb: 'Reset',
    columns: ['loadbalancer', 'listener', 'pool', 'member', 'healthmonitor', 'l7policy', 'l7rule'],
    about: 'Per project, the most resources of each kind it may have (-1: unlimited). A project without a quota has the defaults.',
  },
  node: { singular: 'node', collection: 'nodes', label: 'elbow node', schema: '', deleteVerb: 'Forget' },
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

/** A resource's label: its name, else its id (the start of a UUID; a quota's project id whole). */
export function title(resource: { id: string; name?: unknown }): string {
  if (typeof resource.name === 'string' && resource.name !== '') return resource.name;
  return /^[0-9a-f]{8}-[0-9a-f]{4}-/.test(resource.id) ? resource.id.slice(0, 8) : resource.id;
}
