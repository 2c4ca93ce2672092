// The two inputs of `elbow apply`'s planner: the desired configuration (from the YAML file) and
// the actual one (from the API), plus the keys that identify a resource in both.
import type { ApiObject } from '../api-client.js';
import type { ResourceKind } from '../../model/types.js';

export type Fields = Record<string, unknown>;

/** A resource's identity across desired and actual: `pool:demo/web`, `listener:demo/HTTP:80`. */
export type RefKey = string;

/** API field path (dotted for nested, e.g. `ipgroup.ipgroup_id`) → the resource(s) it names. */
export type Refs = Record<string, RefKey | RefKey[]>;

export interface DesiredNode {
  readonly kind: ResourceKind;
  /** The key within its kind; `${kind}:${key}` is its RefKey. */
  readonly key: string;
  /** API fields as the file sets them; only these are compared. */
  readonly fields: Fields;
  /** Reference fields, by the key of what they name (resolved to ids when applied). */
  readonly refs: Refs;
  /** What it belongs to: a body field (`loadbalancer_id`) or, without field, the URL (members, rules). */
  readonly parent?: { readonly ref: RefKey; readonly field?: string };
}

export interface DesiredPool extends DesiredNode {
  readonly members: DesiredNode[];
  readonly healthmonitor?: DesiredNode;
}

export interface DesiredPolicy extends DesiredNode {
  readonly rules: DesiredNode[];
}

export interface DesiredListener extends DesiredNode {
  readonly l7policies: DesiredPolicy[];
}

export interface DesiredLoadBalancer extends DesiredNode {
  readonly listeners: DesiredListener[];
  readonly pools: DesiredPool[];
}

export interface DesiredState {
  readonly certificates: DesiredNode[];
  readonly ipgroups: DesiredNode[];
  readonly loadbalancers: DesiredLoadBalancer[];
}

export interface ActualPool {
  readonly resource: ApiObject;
  readonly members: ApiObject[];
  readonly healthmonitor?: ApiObject;
}

export interface ActualPolicy {
  readonly resource: ApiObject;
  readonly rules: ApiObject[];
}

export interface ActualListener {
  readonly resource: ApiObject;
  readonly l7policies: ActualPolicy[];
}

export interface ActualLoadBalancer {
  readonly resource: ApiObject;
  /** Present only for load balancers the file names (the others are only pruned, whole). */
  readonly listeners: ActualListener[];
  readonly pools: ActualPool[];
}

export interface ActualState {
  readonly certificates: ApiObject[];
  readonly ipgroups: ApiObject[];
  readonly loadbalancers: ActualLoadBalancer[];
}

export function refKey(kind: ResourceKind, key: string): RefKey {
  return `${kind}:${key}`;
}

/** The key part of a RefKey, for messages: `pool:demo/web` → `demo/web`. */
export function refLabel(ref: RefKey): string {
  return ref.slice(ref.indexOf(':') + 1);
}

export const keys = {
  loadbalancer: (name: string) => name,
  listener: (lb: string, protocol: string, port: number) => `${lb}/${protocol.toUpperCase()}:${port}`,
  pool: (lb: string, name: string) => `${lb}/${name}`,
  member: (pool: string, address: string, port: number) => `${pool}/${address.includes(':') ? `[${address}]` : address}:${port}`,
  healthmonitor: (pool: string) => `${pool}/healthmonitor`,
  l7policy: (listener: string, name: string) => `${listener}/${name}`,
  l7rule: (policy: string, rule: Fields) =>
    `${policy}/${[rule.type, rule.compare_type, rule.key, rule.value].filter((v) => v !== undefined && v !== null && v !== '').map(String).join(' ')}`,
  certificate: (name: string) => name,
  ipgroup: (name: string) => name,
};
