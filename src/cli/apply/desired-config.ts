// Reads an elbow.yaml (docs/cli.md "apply") into the planner's DesiredState: resources keyed by
// name (listeners by protocol:port, members by address:port), references by name.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { CliError } from '../cli-error.js';
import { keys, refKey, type DesiredListener, type DesiredLoadBalancer, type DesiredNode, type DesiredPolicy, type DesiredPool, type DesiredState, type Fields, type Refs } from './state.js';
import type { ResourceKind } from '../../model/types.js';

type Obj = Record<string, unknown>;

/** A file key that names another resource, and the API field it becomes. */
interface FileRef {
  readonly key: string;
  readonly field: string;
  readonly target: 'pool' | 'listener' | 'certificate';
  readonly list?: boolean;
}

const FILE_REFS: Partial<Record<ResourceKind, readonly FileRef[]>> = {
  listener: [
    { key: 'default_pool', field: 'default_pool_id', target: 'pool' },
    { key: 'default_certificate', field: 'default_tls_container_ref', target: 'certificate' },
    { key: 'sni_certificates', field: 'sni_container_refs', target: 'certificate', list: true },
    { key: 'client_ca_certificate', field: 'client_ca_tls_container_ref', target: 'certificate' },
  ],
  pool: [
    { key: 'tls_certificate', field: 'tls_container_ref', target: 'certificate' },
    { key: 'ca_certificate', field: 'ca_tls_container_ref', target: 'certificate' },
  ],
  l7policy: [
    { key: 'redirect_pool', field: 'redirect_pool_id', target: 'pool' },
    { key: 'redirect_listener', field: 'redirect_listener_id', target: 'listener' },
  ],
};

/** Keys holding children, not fields. */
const CHILD_KEYS: Partial<Record<ResourceKind, readonly string[]>> = {
  loadbalancer: ['listeners', 'pools'],
  listener: ['l7policies'],
  pool: ['members', 'healthmonitor'],
  l7policy: ['rules'],
};

/** Links the file expresses by nesting; setting them by id would fight the structure. */
const STRUCTURAL = new Set(['id', 'loadbalancer_id', 'listener_id', 'pool_id', 'l7policy_id']);

export function loadDesiredFile(path: string): DesiredState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseDesired(text, resolve(path, '..'), path);
}

/** `baseDir` resolves certificate_file / private_key_file paths; `source` names the file in errors. */
export function parseDesired(text: string, baseDir: string, source = 'elbow.yaml'): DesiredState {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new CliError(`${source}: ${(err as Error).message}`);
  }
  const reader = new Reader(baseDir, source);
  return reader.document(doc ?? {});
}

/**
 * The API keeps a listener's policy positions at 1..n (inserting shifts, deleting closes gaps), so
 * a file saying 2, 5, 9 would never compare equal: when positions are given, they become ranks,
 * and the policies are listed in that order so they are also created in it.
 */
function compactPositions(policies: DesiredPolicy[]): DesiredPolicy[] {
  if (!policies.some((p) => p.fields.position !== undefined)) return policies;
  const rank = (p: DesiredPolicy): number => (typeof p.fields.position === 'number' ? p.fields.position : Number.POSITIVE_INFINITY);
  return [...policies].sort((a, b) => rank(a) - rank(b)).map((p, i) => ({ ...p, fields: { ...p.fields, position: i + 1 } }));
}

class Reader {
  readonly #seen = new Set<string>();

  constructor(
    readonly baseDir: string,
    readonly source: string,
  ) {}

  document(doc: unknown): DesiredState {
    const top = this.object(doc, '');
    this.only(top, ['loadbalancers', 'certificates', 'ipgroups'], '');
    return {
      certificates: this.list(top.certificates, 'certificates').map(([c, at]) => this.certificate(c, at)),
      ipgroups: this.list(top.ipgroups, 'ipgroups').map(([g, at]) => this.ipgroup(g, at)),
      loadbalancers: this.list(top.loadbalancers, 'loadbalancers').map(([lb, at]) => this.loadbalancer(lb, at)),
    };
  }

  certificate(c: Obj, at: string): DesiredNode {
    const name = this.string(c, 'name', at);
    const fields = this.fields('certificate', c, at);
    for (const [fileKey, field] of [['certificate_file', 'certificate'], ['private_key_file', 'private_key']] as const) {
      if (c[fileKey] === undefined) continue;
      if (c[field] !== undefined) this.fail(at, `give ${field} or ${fileKey}, not both`);
      fields[field] = this.readFile(this.string(c, fileKey, at), `${at}.${fileKey}`);
      delete fields[fileKey];
    }
    return this.node('certificate', keys.certificate(name), fields, {}, at);
  }

  ipgroup(g: Obj, at: string): DesiredNode {
    const name = this.string(g, 'name', at);
    const fields = this.fields('ipgroup', g, at);
    if (g.ip_list !== undefined) {
      // A bare address is the short form of {ip: address}; only what is written is compared.
      fields.ip_list = this.list(g.ip_list, `${at}.ip_list`, true).map(([entry]) => (typeof entry === 'string' ? { ip: entry } : entry));
    }
    return this.node('ipgroup', keys.ipgroup(name), fields, {}, at);
  }

  loadbalancer(lb: Obj, at: string): DesiredLoadBalancer {
    const name = this.string(lb, 'name', at);
    const node = this.node('loadbalancer', keys.loadbalancer(name), this.fields('loadbalancer', lb, at), {}, at);
    const lbRef = refKey('loadbalancer', node.key);
    const pools = this.list(lb.pools, `${at}.pools`).map(([p, pAt]) => this.pool(p, pAt, name, lbRef));
    const listeners = this.list(lb.listeners, `${at}.listeners`).map(([l, lAt]) => this.listener(l, lAt, name, lbRef));
    return { ...node, pools, listeners };
  }

  pool(p: Obj, at: string, lb: string, lbRef: string): DesiredPool {
    const key = keys.pool(lb, this.string(p, 'name', at));
    const node = this.node('pool', key, this.fields('pool', p, at), this.refs('pool', p, at, lb), at, { ref: lbRef, field: 'loadbalancer_id' });
    const poolRef = refKey('pool', key);
    const httpDefault = String(p.protocol ?? '').toUpperCase() === 'HTTP' ? 80 : undefined;
    const members = this.list(p.members, `${at}.members`).map(([m, mAt]) => {
      const fields = this.fields('member', m, mAt);
      fields.protocol_port ??= httpDefault;
      const port = this.port(fields, mAt, 'protocol_port (required unless the pool protocol is HTTP)');
      return this.node('member', keys.member(key, this.string(m, 'address', mAt), port), fields, {}, mAt, { ref: poolRef });
    });
    let healthmonitor: DesiredNode | undefined;
    if (p.healthmonitor !== undefined && p.healthmonitor !== null) {
      const hAt = `${at}.healthmonitor`;
      const h = this.object(p.healthmonitor, hAt);
      this.string(h, 'type', hAt);
      healthmonitor = this.node('healthmonitor', keys.healthmonitor(key), this.fields('healthmonitor', h, hAt), {}, hAt, { ref: poolRef, field: 'pool_id' });
    }
    return { ...node, members, healthmonitor };
  }

  listener(l: Obj, at: string, lb: string, lbRef: string): DesiredListener {
    const fields = this.fields('listener', l, at);
    fields.protocol = this.string(l, 'protocol', at).toUpperCase();
    const key = keys.listener(lb, fields.protocol as string, this.port(fields, at, 'protocol_port'));
    const refs = this.refs('listener', l, at, lb);
    if (l.ipgroup !== undefined && l.ipgroup !== null) {
      // `ipgroup: {name, type, enable_ipgroup}` → the API's {ipgroup_id, type, enable_ipgroup}.
      const gAt = `${at}.ipgroup`;
      const g = this.object(l.ipgroup, gAt);
      const { name: _name, ...rest } = g;
      fields.ipgroup = { enable_ipgroup: true, ...rest };
      refs['ipgroup.ipgroup_id'] = refKey('ipgroup', keys.ipgroup(this.string(g, 'name', gAt)));
    }
    const node = this.node('listener', key, fields, refs, at, { ref: lbRef, field: 'loadbalancer_id' });
    const listenerRef = refKey('listener', key);
    const l7policies = this.list(l.l7policies, `${at}.l7policies`).map(([p, pAt]): DesiredPolicy => {
      const pKey = keys.l7policy(key, this.string(p, 'name', pAt));
      const policy = this.node('l7policy', pKey, this.fields('l7policy', p, pAt), this.refs('l7policy', p, pAt, lb), pAt, { ref: listenerRef, field: 'listener_id' });
      const rules = this.list(p.rules, `${pAt}.rules`).map(([r, rAt]) => {
        this.string(r, 'type', rAt);
        this.string(r, 'compare_type', rAt);
        this.string(r, 'value', rAt);
        const fields = this.fields('l7rule', r, rAt);
        return this.node('l7rule', keys.l7rule(pKey, fields), fields, {}, rAt, { ref: refKey('l7policy', pKey) });
      });
      return { ...policy, rules };
    });
    return { ...node, l7policies: compactPositions(l7policies) };
  }

  /** The plain API fields of an entry: everything but children, references and structural links. */
  fields(kind: ResourceKind, entry: Obj, at: string): Fields {
    const skip = new Set([...(CHILD_KEYS[kind] ?? []), ...(FILE_REFS[kind] ?? []).map((r) => r.key), ...(kind === 'listener' ? ['ipgroup'] : [])]);
    const fields: Fields = {};
    for (const [k, v] of Object.entries(entry)) {
      if (STRUCTURAL.has(k)) this.fail(at, `${k} is given by where the entry sits in the file; remove it`);
      if (!skip.has(k)) fields[k] = v;
    }
    return fields;
  }

  refs(kind: ResourceKind, entry: Obj, at: string, lb: string): Refs {
    const refs: Refs = {};
    for (const r of FILE_REFS[kind] ?? []) {
      const value = entry[r.key];
      if (value === undefined || value === null) continue;
      const target = (name: string): string =>
        r.target === 'pool' ? refKey('pool', keys.pool(lb, name)) : r.target === 'listener' ? refKey('listener', `${lb}/${name.toUpperCase()}`) : refKey('certificate', keys.certificate(name));
      if (r.list === true) {
        refs[r.field] = this.list(value, `${at}.${r.key}`, true).map(([name, nAt]) => target(this.asString(name, nAt)));
      } else {
        refs[r.field] = target(this.asString(value, `${at}.${r.key}`));
      }
    }
    return refs;
  }

  node(kind: ResourceKind, key: string, fields: Fields, refs: Refs, at: string, parent?: DesiredNode['parent']): DesiredNode {
    const ref = refKey(kind, key);
    if (this.#seen.has(ref)) this.fail(at, `${kind} ${key} appears twice`);
    this.#seen.add(ref);
    return { kind, key, fields, refs, parent };
  }

  port(fields: Fields, at: string, what: string): number {
    const port = fields.protocol_port;
    if (typeof port !== 'number' || !Number.isInteger(port)) this.fail(at, `${what} must be an integer`);
    return port;
  }

  readFile(path: string, at: string): string {
    try {
      return readFileSync(resolve(this.baseDir, path), 'utf8');
    } catch (err) {
      return this.fail(at, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }

  list(value: unknown, at: string): [Obj, string][];
  list(value: unknown, at: string, scalars: true): [unknown, string][];
  list(value: unknown, at: string, scalars = false): [unknown, string][] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(at, 'must be a list');
    return value.map((item, i) => [scalars ? item : this.object(item, `${at}[${i}]`), `${at}[${i}]`]);
  }

  object(value: unknown, at: string): Obj {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(at, 'must be a mapping');
    return value as Obj;
  }

  string(entry: Obj, key: string, at: string): string {
    return this.asString(entry[key], `${at}.${key}`);
  }

  asString(value: unknown, at: string): string {
    if (typeof value !== 'string' || value === '') this.fail(at, 'must be a non-empty string');
    return value;
  }

  only(entry: Obj, allowed: readonly string[], at: string): void {
    for (const k of Object.keys(entry)) if (!allowed.includes(k)) this.fail(at, `unknown key ${k} (expected ${allowed.join(', ')})`);
  }

  fail(at: string, message: string): never {
    throw new CliError(`${this.source}: ${at === '' ? '' : `${at}: `}${message}`);
  }
}
