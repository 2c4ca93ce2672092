// The resource catalog: one declaration per resource kind (src/model/resources/<kind>.ts), and
// what is derived from it for everyone else: request and view schemas, defaults, the fields fixed
// after create, the fields a body accepts, the snapshot properties copied from a resource.

import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { RESOURCE_KINDS, type ResourceKind } from '../types.js';
import { AVAILABILITYZONE } from './availabilityzone.js';
import { AVAILABILITYZONEPROFILE } from './availabilityzoneprofile.js';
import { CERTIFICATE } from './certificate.js';
import { BASE_FIELDS, IGNORED_INPUT, Nullable, STATUS_FIELDS, type DefaultsOf, type FieldSpec, type Fields, type ResourceSpec } from './field.js';
import { FLAVOR } from './flavor.js';
import { FLAVORPROFILE } from './flavorprofile.js';
import { HEALTHMONITOR } from './healthmonitor.js';
import { IPGROUP } from './ipgroup.js';
import { L7POLICY } from './l7policy.js';
import { L7RULE } from './l7rule.js';
import { LISTENER } from './listener.js';
import { LOADBALANCER } from './loadbalancer.js';
import { MEMBER } from './member.js';
import { POOL } from './pool.js';
import { QUOTA } from './quota.js';

/** Every resource kind's declaration; `satisfies` fails to compile until each kind has one. */
export const CATALOG = {
  loadbalancer: LOADBALANCER,
  listener: LISTENER,
  pool: POOL,
  member: MEMBER,
  healthmonitor: HEALTHMONITOR,
  l7policy: L7POLICY,
  l7rule: L7RULE,
  certificate: CERTIFICATE,
  ipgroup: IPGROUP,
  quota: QUOTA,
  flavorprofile: FLAVORPROFILE,
  flavor: FLAVOR,
  availabilityzoneprofile: AVAILABILITYZONEPROFILE,
  availabilityzone: AVAILABILITYZONE,
} as const satisfies { [K in ResourceKind]: ResourceSpec<Fields, K> };

export type Catalog = typeof CATALOG;
export type FieldsOf<K extends ResourceKind> = Catalog[K]['fields'];

/** One value per resource kind. */
export function perKind<T>(derive: (kind: ResourceKind) => T): Record<ResourceKind, T> {
  return Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, derive(kind)])) as Record<ResourceKind, T>;
}

/** The fields of a kind, in declaration order. */
export function fieldsOf(kind: ResourceKind): [string, FieldSpec][] {
  return Object.entries(CATALOG[kind].fields as Fields);
}

export const createMode = (field: FieldSpec) => field.create ?? 'optional';
export const updateMode = (field: FieldSpec) => field.update ?? 'yes';
/** Whether a client can set it (in a create or an update body). */
export const isInput = (field: FieldSpec) => createMode(field) !== 'no' || updateMode(field) !== 'no';

/** The schema a body accepts for a field: its input schema, its stored one, nullable when null resets it. */
export function inputSchema(field: FieldSpec): TSchema {
  if (field.nests !== undefined) {
    const nested = nestedCreateSchema(field.nests.kind);
    return field.nests.many ? Type.Array(nested) : Nullable(nested);
  }
  if (field.input !== undefined) return field.input;
  return field.nullResets === true ? Nullable(field.schema) : field.schema;
}

const nestedSchemas = new Map<ResourceKind, TObject>();

/**
 * The body of a resource nested in its parent's create body: its create body without the fields
 * the parent gives (`fromParent`); everything optional for kinds nested by name (a pool may be a
 * reference `{"name": …}`: the control plane checks that a definition has protocol and lb_algorithm).
 */
export function nestedCreateSchema(kind: ResourceKind): TObject {
  let schema = nestedSchemas.get(kind);
  if (schema === undefined) {
    const properties: TProperties = {};
    const byName = CATALOG[kind].nestedByName === true;
    for (const [name, field] of fieldsOf(kind)) {
      const mode = createMode(field);
      if (mode === 'no' || field.fromParent === true) continue;
      const documentedSchema = documented(inputSchema(field), field);
      properties[name] = mode === 'required' && !byName ? documentedSchema : Type.Optional(documentedSchema);
    }
    schema = body(properties);
    nestedSchemas.set(kind, schema);
  }
  return schema;
}

/** The fields of a kind whose value is nested resources to create with it. */
export function nestingFields(kind: ResourceKind): { field: string; kind: ResourceKind; many: boolean }[] {
  return fieldsOf(kind).flatMap(([field, spec]) => (spec.nests === undefined ? [] : [{ field, ...spec.nests }]));
}

/**
 * A schema with the field's documentation attached, for /openapi.json: description, default,
 * example, and extensions for generated clients and forms: `x-elbow-ref` (the value is the
 * id of a resource of that kind), `x-elbow-fixed` (set at create, may not change after) and
 * `x-elbow-nested` (resources of that kind to create with this one, Octavia's single-call create).
 */
function documented(schema: TSchema, field: FieldSpec): TSchema {
  const defaultNote = field.defaultDoc !== undefined ? ` (default: ${field.defaultDoc})` : '';
  const when = field.appliesWhen !== undefined ? `. Only when ${field.appliesWhen.field} is ${field.appliesWhen.values.join(', ')}` : '';
  return {
    ...schema,
    description: `${field.doc}${defaultNote}${when}`,
    ...(field.default !== undefined ? { default: field.default } : {}),
    ...(field.example !== undefined ? { examples: [field.example] } : {}),
    ...(field.ref !== undefined ? { 'x-elbow-ref': field.ref } : {}),
    ...(updateMode(field) === 'fixed' ? { 'x-elbow-fixed': true } : {}),
    ...(field.nests !== undefined ? { 'x-elbow-nested': field.nests.kind } : {}),
  };
}

/** A strict body schema: unknown fields are refused, except the ones Octavia clients send that elbow ignores. */
function body(properties: TProperties): TObject {
  return Type.Object({ ...properties, ...IGNORED_INPUT }, { additionalProperties: false });
}

/** Create body: optional fields in declaration order, then the required ones. */
export function createSchema(kind: ResourceKind): TObject {
  const optional: TProperties = {};
  const required: TProperties = {};
  for (const [name, field] of fieldsOf(kind)) {
    const mode = createMode(field);
    if (mode === 'optional') optional[name] = Type.Optional(documented(inputSchema(field), field));
    if (mode === 'required') required[name] = documented(inputSchema(field), field);
  }
  return body({ ...optional, ...required });
}

/** Update body: every field an update accepts, optional (fixed ones may repeat their current value). */
export function updateSchema(kind: ResourceKind): TObject {
  const properties: TProperties = {};
  for (const [name, field] of fieldsOf(kind)) if (updateMode(field) !== 'no') properties[name] = Type.Optional(documented(inputSchema(field), field));
  return body(properties);
}

/** A resource as the API shows it: common fields, its shown fields, its statuses. */
export function viewSchema(kind: ResourceKind): TObject {
  const spec = CATALOG[kind];
  const shown: [string, FieldSpec][] = [
    ...Object.entries(BASE_FIELDS as Fields),
    ...fieldsOf(kind).filter(([, field]) => field.shown !== false),
    ...(spec.hasStatus ? Object.entries(STATUS_FIELDS as Fields) : []),
  ];
  const properties: TProperties = {};
  for (const [name, field] of shown) {
    const schema = documented(field.schema, field);
    properties[name] = field.optional === true ? Type.Optional(schema) : schema;
  }
  return Type.Object(properties, { additionalProperties: true });
}

const PLAIN_TYPES: ReadonlySet<unknown> = new Set(['string', 'integer', 'number', 'boolean', 'null']);

/** Whether a schema holds a plain value: a string, number or boolean (or an enum of them), possibly null. */
function isPlain(schema: TSchema): boolean {
  const branches = schema.anyOf as TSchema[] | undefined;
  if (branches !== undefined) return branches.every(isPlain);
  return PLAIN_TYPES.has(schema.type) || ['string', 'number', 'boolean'].includes(typeof schema.const);
}

/** The fields a list of a kind may be sorted by: those of its view with a plain value (Octavia's columns). */
export function sortableFields(kind: ResourceKind): string[] {
  return Object.entries(viewSchema(kind).properties).filter(([, schema]) => isPlain(schema)).map(([name]) => name);
}

/** The value of every field a create body may leave out and that has a fixed default. */
export function defaultsOf<K extends ResourceKind>(kind: K): DefaultsOf<FieldsOf<K>> {
  const defaults: Record<string, unknown> = {};
  for (const [name, field] of fieldsOf(kind)) if (field.default !== undefined && field.stored !== false) defaults[name] = field.default;
  return defaults as DefaultsOf<FieldsOf<K>>;
}

const DEFAULTS = perKind(defaultsOf) as Record<ResourceKind, Readonly<Record<string, unknown>>>;
const DEFAULT_KEYS = perKind((kind) => Object.keys(DEFAULTS[kind]));

/**
 * A stored resource with the default of every declared field it lacks: rows written before a
 * field existed read as if they had been created with its default, so adding a field needs no
 * data migration. Returns the resource itself when nothing is missing.
 */
export function withDefaults<T extends object>(kind: ResourceKind, stored: T): T {
  for (const key of DEFAULT_KEYS[kind]) if (!(key in stored)) return { ...DEFAULTS[kind], ...stored };
  return stored;
}

/** Fields fixed at creation: an update may repeat their value but not change it. */
export function fixedFields(kind: ResourceKind): string[] {
  return fieldsOf(kind).filter(([, field]) => updateMode(field) === 'fixed').map(([name]) => name);
}

/** Fields whose null in a body means "back to the default". */
export function nullResetDefaults(kind: ResourceKind): Record<string, unknown> {
  return Object.fromEntries(fieldsOf(kind).filter(([, field]) => field.nullResets === true).map(([name, field]) => [name, field.default]));
}

/** Fields the API never shows (a certificate's private key). */
export function hiddenFields(kind: ResourceKind): string[] {
  return fieldsOf(kind).filter(([, field]) => field.shown === false && field.stored !== false).map(([name]) => name);
}

/** How one field is copied into the snapshot: from `field` to the path below the resource's part. */
export interface SnapshotCopy {
  readonly field: string;
  readonly path: readonly string[];
}

/** The fields of a kind the snapshot takes as they are (declared `snapshot: 'path'`). */
export function snapshotCopies(kind: ResourceKind): SnapshotCopy[] {
  return fieldsOf(kind)
    .filter((entry): entry is [string, FieldSpec & { snapshot: string }] => typeof entry[1].snapshot === 'string')
    .map(([field, spec]) => ({ field, path: spec.snapshot.split('.') }));
}
