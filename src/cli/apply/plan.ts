// The planner of `elbow apply`: a pure function from (desired, actual) to the ordered list of
// API changes that makes actual look like desired. Only fields the file sets are compared, so a
// second run over the same file plans nothing.
//
// Order: deletes of listeners (children first) free their ports before creates; creates go
// parents first; updates follow (they may point at what was just created); the remaining deletes
// (children first) come last, once nothing points at them any more.
import type { ApiObject } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { createOnlyFields } from '../resources.js';
import { keys, refKey, refLabel, type ActualState, type DesiredNode, type DesiredState, type Fields, type RefKey, type Refs } from './state.js';
import type { ResourceKind } from '../../model/types.js';

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export type Action =
  | { readonly op: 'create'; readonly node: DesiredNode }
  | {
      readonly op: 'update';
      readonly kind: ResourceKind;
      readonly key: string;
      readonly id: string;
      readonly parentId?: string;
      readonly body: Fields;
      readonly refs: Refs;
      readonly changes: readonly FieldChange[];
    }
  | {
      readonly op: 'delete';
      readonly kind: ResourceKind;
      readonly key: string;
      readonly id: string;
      readonly parentId?: string;
      /** Load balancers not in the file go whole, with everything under them. */
      readonly cascade?: boolean;
      /** Why, when it is not simply gone from the file (a replacement). */
      readonly reason?: string;
    };

export interface PlanOptions {
  /** Also delete load balancers, certificates and IP groups the file does not name. */
  readonly prune: boolean;
}

/** An actual resource under its key, with what `update`/`delete` need to address it. */
interface Located {
  readonly kind: ResourceKind;
  readonly key: string;
  readonly resource: ApiObject;
  readonly parentId?: string;
  /** The key of the load balancer it lives under; undefined for top-level resources. */
  readonly root?: string;
}

/** Kinds whose create-only fields may change by deleting and creating again (nothing points at them). */
const REPLACEABLE: ReadonlySet<ResourceKind> = new Set(['member', 'healthmonitor', 'l7rule']);
/** Fields the API never returns: not compared, sent along with the field they belong to. */
const WRITE_ONLY: Readonly<Record<string, string>> = { private_key: 'certificate' };
const EARLY_DELETE_ORDER: readonly ResourceKind[] = ['l7rule', 'l7policy', 'listener'];
const LATE_DELETE_ORDER: readonly ResourceKind[] = ['healthmonitor', 'member', 'pool', 'loadbalancer', 'ipgroup', 'certificate'];

/** Every actual resource by RefKey (a list: the API may hold two with one name). */
export function indexActual(actual: ActualState): Map<RefKey, Located[]> {
  const index = new Map<RefKey, Located[]>();
  const add = (located: Located): string => {
    const ref = refKey(located.kind, located.key);
    index.set(ref, [...(index.get(ref) ?? []), located]);
    return located.key;
  };
  const nameOf = (r: ApiObject): string => (typeof r.name === 'string' && r.name !== '' ? r.name : r.id);
  for (const c of actual.certificates) add({ kind: 'certificate', key: keys.certificate(nameOf(c)), resource: c });
  for (const g of actual.ipgroups) add({ kind: 'ipgroup', key: keys.ipgroup(nameOf(g)), resource: g });
  for (const lb of actual.loadbalancers) {
    const root = add({ kind: 'loadbalancer', key: keys.loadbalancer(nameOf(lb.resource)), resource: lb.resource });
    for (const l of lb.listeners) {
      const lKey = add({ kind: 'listener', key: keys.listener(root, String(l.resource.protocol), Number(l.resource.protocol_port)), resource: l.resource, root });
      for (const p of l.l7policies) {
        const pKey = add({ kind: 'l7policy', key: keys.l7policy(lKey, nameOf(p.resource)), resource: p.resource, root });
        for (const r of p.rules) add({ kind: 'l7rule', key: keys.l7rule(pKey, r), resource: r, parentId: p.resource.id, root });
      }
    }
    for (const p of lb.pools) {
      const pKey = add({ kind: 'pool', key: keys.pool(root, nameOf(p.resource)), resource: p.resource, root });
      for (const m of p.members) add({ kind: 'member', key: keys.member(pKey, String(m.address), Number(m.protocol_port)), resource: m, parentId: p.resource.id, root });
      if (p.healthmonitor !== undefined) add({ kind: 'healthmonitor', key: keys.healthmonitor(pKey), resource: p.healthmonitor, root });
    }
  }
  return index;
}

export function plan(desired: DesiredState, actual: ActualState, options: PlanOptions): Action[] {
  return new Planner(indexActual(actual)).plan(desired, options);
}

type Kept = { node: DesiredNode; current: Located; diff: NodeDiff };

/** One planning run: what the file wants, matched against what exists. */
class Planner {
  private readonly refOfId = new Map<string, RefKey>();
  private readonly problems: string[] = [];
  private readonly creates: Action[] = [];
  /** Resources that stay, with what differs; they become updates once the deletes are known. */
  private readonly kept: Kept[] = [];
  private readonly wanted = new Set<RefKey>();
  private readonly nodes: DesiredNode[] = [];

  constructor(private readonly index: Map<RefKey, Located[]>) {
    for (const [ref, located] of index) for (const l of located) this.refOfId.set(l.resource.id, ref);
  }

  plan(desired: DesiredState, options: PlanOptions): Action[] {
    this.walk(desired);
    this.checkReferences();
    if (this.problems.length > 0) throw new CliError(`cannot plan:\n  ${this.problems.join('\n  ')}`);
    const deletes = this.deletes(desired, options);
    unsetDefaultPoolsBeingDeleted(this.kept, new Set(deletes.map((d) => d.id)), this.refOfId);
    const updates: Action[] = this.kept
      .filter(({ diff }) => diff.changes.length > 0)
      .map(({ node, current, diff }) => ({ op: 'update', kind: node.kind, key: node.key, id: current.resource.id, parentId: current.parentId, body: diff.body, refs: diff.refs, changes: diff.changes }));
    const inOrder = (order: readonly ResourceKind[]): Action[] => order.flatMap((kind) => deletes.filter((d) => d.kind === kind));
    return [...inOrder(EARLY_DELETE_ORDER), ...this.creates, ...updates, ...inOrder(LATE_DELETE_ORDER)];
  }

  /** Every node of the file, parents before children. */
  private walk(desired: DesiredState): void {
    for (const c of desired.certificates) this.converge(c, true);
    for (const g of desired.ipgroups) this.converge(g, true);
    for (const lb of desired.loadbalancers) {
      const lbExists = this.converge(lb, true);
      for (const pool of lb.pools) {
        const poolExists = this.converge(pool, lbExists);
        for (const m of pool.members) this.converge(m, poolExists);
        if (pool.healthmonitor !== undefined) this.converge(pool.healthmonitor, poolExists);
      }
      for (const listener of lb.listeners) {
        const listenerExists = this.converge(listener, lbExists);
        for (const policy of listener.l7policies) {
          const policyExists = this.converge(policy, listenerExists);
          for (const rule of policy.rules) this.converge(rule, policyExists);
        }
      }
    }
  }

  /** Converges one node; false when it is (re)created, so its children are all created too. */
  private converge(node: DesiredNode, parentExists: boolean): boolean {
    const ref = refKey(node.kind, node.key);
    this.wanted.add(ref);
    this.nodes.push(node);
    const found = parentExists ? (this.index.get(ref) ?? []) : [];
    const [current, ...others] = found;
    if (current === undefined) {
      this.creates.push({ op: 'create', node });
      return false;
    }
    if (others.length > 0) {
      this.problems.push(`${node.kind} ${node.key} matches ${found.length} resources (${found.map((f) => f.resource.id).join(', ')}); rename or delete the extra ones`);
      return true;
    }
    const diff = diffNode(node, current.resource, this.refOfId);
    const fixed = createOnlyFields(node.kind);
    const immutable = diff.changes.filter((c) => fixed.has(c.field.split('.')[0] ?? c.field));
    if (immutable.length === 0) {
      this.kept.push({ node, current, diff });
      return true;
    }
    const what = immutable.map(describeChange).join(', ');
    if (!REPLACEABLE.has(node.kind)) {
      this.problems.push(`${node.kind} ${node.key}: ${what} cannot change after creation; delete it first (or remove it from the file and apply)`);
      return true;
    }
    this.creates.push({ op: 'delete', kind: node.kind, key: node.key, id: current.resource.id, parentId: current.parentId, reason: `replaced: ${what}` });
    this.creates.push({ op: 'create', node });
    return false;
  }

  /** A reference must name something the file or the API has. */
  private checkReferences(): void {
    for (const node of this.nodes) {
      for (const [path, target] of Object.entries(node.refs)) {
        for (const ref of Array.isArray(target) ? target : [target]) {
          if (!this.wanted.has(ref) && !this.index.has(ref)) this.problems.push(`${node.kind} ${node.key}: ${path} names ${ref.replace(':', ' ')}, which is neither in the file nor in the API`);
        }
      }
    }
  }

  /**
   * What exists but the file does not want: under the file's load balancers always; load
   * balancers, certificates and IP groups outside the file only with --prune.
   */
  private deletes(desired: DesiredState, options: PlanOptions): Extract<Action, { op: 'delete' }>[] {
    const named = new Set(desired.loadbalancers.map((lb) => refKey('loadbalancer', lb.key)));
    const deletes: Extract<Action, { op: 'delete' }>[] = [];
    for (const [ref, located] of this.index) {
      if (this.wanted.has(ref)) continue;
      for (const l of located) {
        if (l.root === undefined ? !options.prune : !named.has(refKey('loadbalancer', l.root))) continue;
        deletes.push({ op: 'delete', kind: l.kind, key: l.key, id: l.resource.id, parentId: l.parentId, cascade: l.kind === 'loadbalancer' ? true : undefined });
      }
    }
    return deletes;
  }
}

/**
 * A listener the file keeps without naming a default pool still points at its old one; when that
 * pool is being deleted the API would refuse (in use), so the listener lets go of it first.
 */
function unsetDefaultPoolsBeingDeleted(kept: Kept[], deletedIds: ReadonlySet<string>, refOfId: ReadonlyMap<string, RefKey>): void {
  for (const { node, current, diff } of kept) {
    const poolId = current.resource.default_pool_id;
    if (node.kind !== 'listener' || 'default_pool_id' in node.refs || typeof poolId !== 'string' || !deletedIds.has(poolId)) continue;
    diff.changes.push({ field: 'default_pool_id', from: refLabel(refOfId.get(poolId) ?? poolId), to: null });
    diff.body.default_pool_id = null;
  }
}

interface NodeDiff {
  changes: FieldChange[];
  /** What an update sends: the desired value of every top-level field that changed. */
  body: Fields;
  refs: Refs;
}

function diffNode(node: DesiredNode, actual: ApiObject, refOfId: ReadonlyMap<string, RefKey>): NodeDiff {
  const changes: FieldChange[] = [];
  for (const [field, value] of Object.entries(node.fields)) {
    if (!(field in WRITE_ONLY)) collectChanges(field, value, actual[field], changes);
  }
  for (const [path, want] of Object.entries(node.refs)) {
    const raw = getPath(actual, path);
    const have = Array.isArray(raw) ? raw.map((v) => refOfValue(v, refOfId)) : refOfValue(raw, refOfId);
    if (JSON.stringify(have) !== JSON.stringify(want)) changes.push({ field: path, from: labelOf(have), to: labelOf(want) });
  }
  const changedTop = new Set(changes.map((c) => c.field.split('.')[0] ?? c.field));
  for (const [field, companion] of Object.entries(WRITE_ONLY)) if (changedTop.has(companion) && field in node.fields) changedTop.add(field);
  const body = Object.fromEntries(Object.entries(node.fields).filter(([f]) => changedTop.has(f)));
  const refs = Object.fromEntries(Object.entries(node.refs).filter(([p]) => changedTop.has(p.split('.')[0] ?? p)));
  return { changes, body, refs };
}

/** Differences of one field; inside objects present on both sides, per key (`ipgroup.type black→white`). */
function collectChanges(path: string, desired: unknown, actual: unknown, changes: FieldChange[]): void {
  if (isPlainObject(desired) && isPlainObject(actual)) {
    for (const [k, v] of Object.entries(desired)) collectChanges(`${path}.${k}`, v, actual[k], changes);
  } else if (!subsetEqual(desired, actual)) {
    changes.push({ field: path, from: actual, to: desired });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A reference field's value (an id, or a URL ending in one) as the RefKey it names. */
function refOfValue(value: unknown, refOfId: ReadonlyMap<string, RefKey>): RefKey | null {
  if (typeof value !== 'string' || value === '') return null;
  const id = value.slice(value.lastIndexOf('/') + 1);
  return refOfId.get(id) ?? `?:${id}`;
}

function labelOf(ref: RefKey | (RefKey | null)[] | null): string {
  if (ref === null) return '(none)';
  return Array.isArray(ref) ? `[${ref.map((r) => (r === null ? '(none)' : refLabel(r))).join(', ')}]` : refLabel(ref);
}

/** Desired equals actual on everything desired sets (objects compare only the keys desired has). */
export function subsetEqual(desired: unknown, actual: unknown): boolean {
  if (desired === null || desired === undefined) return actual === null || actual === undefined;
  if (Array.isArray(desired)) {
    return Array.isArray(actual) && actual.length === desired.length && desired.every((d, i) => subsetEqual(d, actual[i]));
  }
  if (typeof desired === 'object') {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(desired).every(([k, v]) => subsetEqual(v, a[k]));
  }
  if (typeof desired === 'string' && typeof actual === 'string') return normalizeText(desired) === normalizeText(actual);
  return desired === actual;
}

/** PEM and other multi-line text compare without CR and surrounding whitespace. */
function normalizeText(s: string): string {
  return s.replaceAll('\r\n', '\n').trim();
}

export function getPath(object: Record<string, unknown>, path: string): unknown {
  let value: unknown = object;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

export function describeChange(change: FieldChange): string {
  const show = (v: unknown): string => {
    if (v === null || v === undefined) return '(none)';
    if (typeof v === 'string') return v.includes('\n') ? '…' : v;
    return JSON.stringify(v);
  };
  const from = show(change.from);
  const to = show(change.to);
  return from === '…' || to === '…' ? `${change.field} changed` : `${change.field} ${from}→${to}`;
}

/** One line per action: `+ listener demo/HTTP:80`, `~ member demo/web/10.0.0.1:80 weight 1→5`. */
export function describeAction(action: Action): string {
  switch (action.op) {
    case 'create':
      return `+ ${action.node.kind} ${action.node.key}`;
    case 'update':
      return `~ ${action.kind} ${action.key} ${action.changes.map(describeChange).join(', ')}`;
    case 'delete':
      return `- ${action.kind} ${action.key}${action.cascade === true ? ' (with everything under it)' : ''}${action.reason !== undefined ? ` (${action.reason})` : ''}`;
  }
}

/** `2 to create, 1 to update, 0 to delete`, or after the fact `2 created, 1 updated, 0 deleted`. */
export function summarize(actions: readonly Action[], done = false): string {
  if (actions.length === 0) return 'no changes';
  const ops = [['create', 'created'], ['update', 'updated'], ['delete', 'deleted']] as const;
  return ops.map(([op, past]) => {
    const n = actions.filter((a) => a.op === op).length;
    return done ? `${n} ${past}` : `${n} to ${op}`;
  }).join(', ');
}

/** RefKey → id of every actual resource with an unambiguous key: where the executor starts. */
export function knownIds(actual: ActualState): Map<RefKey, string> {
  const ids = new Map<RefKey, string>();
  for (const [ref, located] of indexActual(actual)) if (located.length === 1 && located[0] !== undefined) ids.set(ref, located[0].resource.id);
  return ids;
}
