// Every field a client can set either reaches the snapshot or says why not (the catalog's
// `snapshot` / `ignored`, src/model/resources/<kind>.ts). A field declared as taken must change
// the snapshot, at the path it names, when it changes; and the data plane must read what it lands in.
// A field no data plane reads must be a label, a control-plane rule, a relation, an instruction,
// or refused away from its default: never stored and silently ignored (issue #10).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { CATALOG, fieldsOf, inputSchema, isInput } from '../../../src/model/resources/catalog.js';
import type { FieldSpec } from '../../../src/model/resources/field.js';
import { RESOURCE_KINDS, type AnyResource, type ResourceKind } from '../../../src/model/types.js';
import { buildSnapshot } from '../../../src/snapshot/build-snapshot.js';
import type { StoreContents } from '../../../src/store/store.js';

type Row = Record<string, unknown> & { id: string };

let created = 0;
const base = (id: string): Row => ({
  id,
  project_id: 'elbow',
  created_at: `2026-01-01T00:00:${String(created++).padStart(2, '0')}`,
  updated_at: null,
});
const defaults = (kind: ResourceKind): Row =>
  Object.fromEntries(fieldsOf(kind).filter(([, f]) => f.default !== undefined).map(([name, f]) => [name, f.default])) as Row;
const make = (kind: ResourceKind, id: string, fields: Record<string, unknown>): Row => ({ ...base(id), ...defaults(kind), ...fields });

/**
 * One of everything, with every field set to a value that shows in the snapshot: a TLS listener
 * with SNI, client CA, allowed CIDRs and an ip group, a re-encrypting pool with persistence, a
 * monitored member, a policy with a rule. The first resource of each kind is the one changed.
 */
function fixture(): StoreContents['resources'] {
  // c2 is a CA bundle with a revocation list appended (what CRL references name).
  const crl = '\n-----BEGIN X509 CRL-----\nCRL\n-----END X509 CRL-----\n';
  const cert = (id: string, type: 'server' | 'client') =>
    make('certificate', id, { type, name: id, certificate: `PEM-${id}${id === 'c2' ? crl : ''}`, private_key: type === 'server' ? `KEY-${id}` : null, subject: `CN=${id}.example`, subject_alt_names: [], not_before: '', expires_at: '', fingerprint: id });
  const r = {
    loadbalancer: [
      make('loadbalancer', 'lb1', { vip_address: '127.0.1.1', flavor_id: 'fl1', listeners: [], pools: [] }),
      make('loadbalancer', 'lb2', { vip_address: '127.0.1.2', listeners: [], pools: [] }),
    ],
    listener: [
      make('listener', 'l1', {
        name: 'l1',
        protocol: 'TERMINATED_HTTPS',
        protocol_port: 443,
        loadbalancer_id: 'lb1',
        default_pool_id: 'p1',
        default_tls_container_ref: 's1',
        sni_container_refs: ['s2'],
        client_ca_tls_container_ref: 'c1',
        client_authentication: 'OPTIONAL',
        client_crl_container_ref: 'c2',
        hsts_max_age: 300,
        allowed_cidrs: ['10.0.0.0/8'],
        tls_ciphers: 'HIGH',
        tls_versions: ['TLSv1.2'],
        alpn_protocols: ['http/1.1'],
        ipgroup: { ipgroup_id: 'g1', enable_ipgroup: true, type: 'white' },
        loadbalancers: [{ id: 'lb1' }],
        l7policies: [],
      }),
      make('listener', 'l2', { name: 'l2', protocol: 'HTTP', protocol_port: 80, loadbalancer_id: 'lb1', default_pool_id: 'p2', loadbalancers: [{ id: 'lb1' }], l7policies: [] }),
    ],
    pool: [
      make('pool', 'p1', {
        name: 'p1',
        protocol: 'HTTP',
        lb_algorithm: 'ROUND_ROBIN',
        loadbalancer_id: 'lb1',
        session_persistence: { type: 'HTTP_COOKIE', cookie_name: null, persistence_timeout: null, persistence_granularity: null },
        tls_enabled: true,
        tls_container_ref: 's1',
        ca_tls_container_ref: 'c1',
        crl_container_ref: 'c2',
        healthmonitor_id: 'h1',
        loadbalancers: [],
        listeners: [],
        members: [],
      }),
      make('pool', 'p2', { name: 'p2', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', loadbalancer_id: 'lb1', loadbalancers: [], listeners: [], members: [] }),
    ],
    member: [make('member', 'm1', { name: 'm1', pool_id: 'p1', address: '192.0.2.1', protocol_port: 80 })],
    healthmonitor: [
      make('healthmonitor', 'h1', { pool_id: 'p1', type: 'HTTP', delay: 10, timeout: 5, max_retries: 3, http_method: 'GET', url_path: '/', expected_codes: '200', pools: [] }),
    ],
    l7policy: [make('l7policy', 'q1', { listener_id: 'l1', action: 'REDIRECT_TO_POOL', position: 1, redirect_pool_id: 'p2', redirect_http_code: null, redirect_listener_id: 'l2', rules: [] })],
    l7rule: [make('l7rule', 'r1', { l7policy_id: 'q1', type: 'HEADER', compare_type: 'EQUAL_TO', key: 'X-Env', value: 'prod' })],
    certificate: [cert('s1', 'server'), cert('s2', 'server'), cert('c1', 'client'), cert('c2', 'client')],
    ipgroup: [make('ipgroup', 'g1', { ip_list: [{ ip: '10.1.0.0/16', description: '' }], listeners: [] }), make('ipgroup', 'g2', { ip_list: [{ ip: '10.2.0.0/16', description: '' }], listeners: [] })],
    quota: [make('quota', 'elbow', {})],
    // lb1's flavor gives its listeners a connection limit (they keep elbow's default).
    flavorprofile: [
      make('flavorprofile', 'fp1', { name: 'small', provider_name: 'elbow', flavor_data: '{"connection_limit": 100}' }),
      make('flavorprofile', 'fp2', { name: 'large', provider_name: 'elbow', flavor_data: '{"connection_limit": 200}' }),
    ],
    flavor: [make('flavor', 'fl1', { name: 'small', flavor_profile_id: 'fp1' }), make('flavor', 'fl2', { name: 'large', flavor_profile_id: 'fp2' })],
    availabilityzoneprofile: [make('availabilityzoneprofile', 'zp1', { name: 'zp', provider_name: 'elbow', availability_zone_data: '{}' })],
    availabilityzone: [make('availabilityzone', 'zone-a', { name: 'zone-a', availability_zone_profile_id: 'zp1' })],
  };
  return r as unknown as StoreContents['resources'];
}

/** The values at a path: `x[]` maps over an array, `x{}` over an object's values (by key), '' ends it. */
function valuesAt(value: unknown, path: string): unknown {
  if (path === '') return value;
  const [segment = '', ...rest] = path.split('.');
  if (value === null || value === undefined) return value;
  const record = value as Record<string, unknown>;
  if (segment.endsWith('[]')) return (record[segment.slice(0, -2)] as unknown[] | undefined)?.map((item) => valuesAt(item, rest.join('.')));
  if (segment.endsWith('{}')) {
    const entries = Object.entries((record[segment.slice(0, -2)] as Record<string, unknown> | undefined) ?? {}).sort(([a], [b]) => a.localeCompare(b));
    return entries.map(([, item]) => valuesAt(item, rest.join('.')));
  }
  return valuesAt(record[segment], rest.join('.'));
}

function snapshotPath(kind: ResourceKind, field: FieldSpec): string | undefined {
  const declared = field.snapshot;
  if (declared === undefined) return undefined;
  const relative = typeof declared === 'string' ? declared : declared.path;
  const part = CATALOG[kind].snapshotPart;
  return relative === '' ? part : `${part}.${relative}`;
}

/** Values a field could take instead of `current`, most telling first; the first valid, different one is used. */
function candidates(field: FieldSpec, current: unknown, resources: StoreContents['resources']): unknown[] {
  if (field.ref !== undefined) {
    const taken = new Set(Array.isArray(current) ? current : [current]);
    const other = (resources[field.ref] as AnyResource[]).find((r) => !taken.has(r.id))?.id;
    return [Array.isArray(current) ? [other] : other];
  }
  return [field.example, field.default, ...fromSchema(inputSchema(field), current)];
}

function fromSchema(schema: TSchema, current: unknown): unknown[] {
  const branches = schema.anyOf as TSchema[] | undefined;
  if (branches !== undefined) return branches.flatMap((branch) => (branch.type === 'null' ? [null] : branch.const !== undefined ? [branch.const] : fromSchema(branch, current)));
  switch (schema.type) {
    case 'boolean':
      return [!current];
    case 'integer':
    case 'number':
      return typeof current === 'number' ? [current + 1, current - 1] : [1];
    case 'string':
      return [`x${String(current ?? '')}`];
    case 'array':
      return fromSchema(schema.items as TSchema, undefined).map((item) => [item]);
    default:
      return [];
  }
}

function alternative(kind: ResourceKind, name: string, field: FieldSpec, current: unknown, resources: StoreContents['resources']): unknown {
  const schema = inputSchema(field);
  const found = candidates(field, current, resources).find((value) => value !== undefined && !isDeepStrictEqual(value, current) && Value.Check(schema, value));
  assert.notEqual(found, undefined, `${kind}.${name}: no valid value other than ${JSON.stringify(current)}; declare an example`);
  return found;
}

/** Source files of the data plane engines, where a snapshot property must be read to count. */
function engineSources(): string {
  const root = resolve(import.meta.dirname, '../../../src');
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of ['dataplane', 'engines']) {
    try {
      walk(join(root, dir));
    } catch {
      // src/engines may not exist (yet).
    }
  }
  // Placement cuts the snapshot per node before any engine sees it (a load balancer's zone).
  texts.push(readFileSync(join(root, 'snapshot/placement.ts'), 'utf8'));
  return texts.join('\n');
}

describe('every field a client can set is consumed by the snapshot or declared ignored', () => {
  const inputs = RESOURCE_KINDS.flatMap((kind) => fieldsOf(kind).filter(([, field]) => isInput(field)).map(([name, field]) => ({ kind, name, field })));

  it('each input field declares snapshot, ignored, or both; output fields declare neither', () => {
    for (const { kind, name, field } of inputs) {
      assert.ok(field.snapshot !== undefined || (field.ignored ?? '') !== '', `${kind}.${name}: neither consumed (snapshot) nor declared ignored`);
    }
    for (const kind of RESOURCE_KINDS) {
      for (const [name, field] of fieldsOf(kind).filter(([, f]) => !isInput(f))) {
        assert.equal(field.snapshot ?? field.ignored, undefined, `${kind}.${name} is set by the server: nothing to consume`);
      }
    }
  });

  for (const { kind, name, field } of inputs.filter(({ field }) => field.snapshot !== undefined)) {
    const path = snapshotPath(kind, field) ?? '';
    it(`${kind}.${name} changes the snapshot at ${path}`, () => {
      const resources = fixture();
      const subject = (resources[kind] as unknown as Row[])[0];
      assert.ok(subject, `the fixture has a ${kind}`);
      const before = buildSnapshot({ revision: 1, resources });
      assert.ok(valuesAt(before, path) !== undefined, `${path} is in the snapshot`);
      const changed = alternative(kind, name, field, subject[name], resources);
      (resources[kind] as unknown as Row[])[0] = { ...subject, [name]: changed };
      const after = buildSnapshot({ revision: 1, resources });
      assert.notDeepEqual(valuesAt(after, path), valuesAt(before, path), `${kind}.${name} = ${JSON.stringify(changed)} left ${path} as it was`);
    });
  }

  it('a field no data plane reads says why it needs none: never stored and ignored', () => {
    // A label, a rule or setting the control plane applies, a relation, an instruction, a key, an
    // alias, or refused away from its default; "not applied (yet)" is a setting the API accepts and
    // elbow ignores.
    const reason = /\b(label|control-plane|relation|instruction|its key|alias|checked|refused)\b/;
    const excuse = /not applied|\byet\b/;
    for (const { kind, name, field } of inputs.filter(({ field }) => (field.ignored ?? '') !== '')) {
      const why = field.ignored ?? '';
      assert.ok(reason.test(why) && !excuse.test(why), `${kind}.${name} is stored and ignored ("${why}"): apply it, or refuse it with a 400`);
    }
  });

  it('what a field lands in is read by a data plane, unless the field says it is not applied yet', () => {
    const sources = engineSources();
    for (const { kind, name, field } of inputs.filter(({ field }) => field.snapshot !== undefined && field.ignored === undefined)) {
      const path = snapshotPath(kind, field) ?? '';
      const leaf = path.split('.').at(-1)?.replace(/\[\]|\{\}/g, '') ?? '';
      assert.match(sources, new RegExp(`\\b${leaf}\\b`), `${kind}.${name} lands in ${path}, which no data plane reads: declare it ignored`);
    }
  });
});
