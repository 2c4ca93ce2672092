// The one table that drives every `elbow <resource> …` command: per resource its API path, the
// fields its create/update take (typed, so option values parse the same way everywhere) and the
// columns its list shows, derived from the resource catalog (src/model/resources/<kind>.ts).
// Field names are Octavia's; options are kebab case.
import type { TSchema } from '@sinclair/typebox';
import { CATALOG, fieldsOf, inputSchema, isInput, perKind, updateMode } from '../model/resources/catalog.js';
import type { FieldSpec as CatalogField } from '../model/resources/field.js';
import type { ResourceKind } from '../model/types.js';

export type FieldType =
  | 'string'
  | 'int'
  | 'number'
  | 'bool'
  /** comma-separated, option repeatable */
  | 'list'
  | 'json'
  /** a file path whose contents are sent */
  | 'file'
  /** ipgroup entries: `ip[=description]`, comma-separated, repeatable */
  | 'iplist';

export interface FieldSpec {
  readonly field: string;
  readonly type: FieldType;
  /** The flag without `--`; default: the field in kebab case. */
  readonly option?: string;
  /** The value names a resource of this kind: a name or an id is accepted. */
  readonly ref?: ResourceKind;
  /** Octavia does not let it change after creation, so `update` does not offer it. */
  readonly createOnly?: boolean;
  readonly help: string;
}

export interface ResourceSpec {
  readonly kind: ResourceKind;
  /** Body wrapper key: `{"listener": {...}}`. */
  readonly singular: string;
  /** List wrapper key and path segment: `{"listeners": [...]}`. */
  readonly plural: string;
  /** Sub-resources live under their parent's path and need its id. */
  readonly parent?: { readonly kind: 'pool' | 'l7policy'; readonly option: string };
  /** Whether the resource has a `name` (l7rules have none). */
  readonly named: boolean;
  readonly fields: readonly FieldSpec[];
  /** Columns of `list`, besides id and the statuses. */
  readonly columns: readonly string[];
  readonly hasStatus: boolean;
}

/** How an option value parses, from the field's schema unless the catalog says otherwise. */
function cliType(spec: CatalogField): FieldType {
  if (spec.cli !== undefined && spec.cli !== false && spec.cli.type !== undefined) return spec.cli.type;
  return typeOfSchema(inputSchema(spec));
}

function typeOfSchema(schema: TSchema): FieldType {
  const branches = (schema.anyOf as TSchema[] | undefined)?.filter((branch) => branch.type !== 'null');
  if (branches !== undefined) {
    if (branches.length === 1 && branches[0] !== undefined) return typeOfSchema(branches[0]);
    // An enum: a union of constants.
    if (branches.every((branch) => typeof branch.const === 'string')) return 'string';
    if (branches.every((branch) => typeof branch.const === 'number')) return 'number';
    return 'json';
  }
  switch (schema.type) {
    case 'integer':
      return 'int';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'array':
      return typeOfSchema(schema.items as TSchema) === 'string' ? 'list' : 'json';
    default:
      return 'json';
  }
}

/** The values of an enum schema (nullable or not), if it is one. */
function enumValues(schema: TSchema): string[] | undefined {
  const branches = (schema.anyOf as TSchema[] | undefined)?.filter((branch) => branch.type !== 'null');
  if (branches === undefined) return undefined;
  if (branches.length === 1 && branches[0] !== undefined) return enumValues(branches[0]);
  return branches.every((branch) => typeof branch.const === 'string') ? branches.map((branch) => branch.const as string) : undefined;
}

/** The CLI's view of one catalog field: references drop `_id` from their option (`--default-pool`). */
function cliField(field: string, spec: CatalogField): FieldSpec {
  const declared = spec.cli !== undefined && spec.cli !== false ? spec.cli.option : undefined;
  const kebab = field.replaceAll('_', '-');
  const option = declared ?? (spec.ref !== undefined && field.endsWith('_id') ? kebab.slice(0, -3) : kebab);
  const values = enumValues(inputSchema(spec));
  const help = `${spec.doc}${values !== undefined ? ` (${values.join('|')})` : ''}${spec.ref !== undefined ? ' (name or id)' : ''}`;
  return {
    field,
    type: cliType(spec),
    ...(option !== kebab ? { option } : {}),
    ...(spec.ref !== undefined ? { ref: spec.ref } : {}),
    ...(updateMode(spec) !== 'yes' ? { createOnly: true } : {}),
    help,
  };
}

function resourceSpec(kind: ResourceKind): ResourceSpec {
  const spec = CATALOG[kind];
  return {
    kind,
    singular: spec.singular,
    plural: spec.plural,
    ...(spec.parent !== undefined ? { parent: { kind: spec.parent.kind, option: spec.parent.kind } } : {}),
    named: 'name' in spec.fields,
    fields: fieldsOf(kind)
      .filter(([, field]) => isInput(field) && field.cli !== false)
      .map(([name, field]) => cliField(name, field)),
    columns: spec.cli.columns,
    hasStatus: spec.hasStatus,
  };
}

/** Every resource's CLI table, derived from the catalog (src/model/resources/<kind>.ts). */
export const RESOURCES: Readonly<Record<ResourceKind, ResourceSpec>> = perKind(resourceSpec);

/** The collection path of a kind, e.g. /v2/lbaas/pools/{pool}/members. */
export function collectionPath(spec: ResourceSpec, parentId?: string): string {
  if (spec.parent === undefined) return `/v2/lbaas/${spec.plural}`;
  if (parentId === undefined) throw new Error(`${spec.kind} needs its ${spec.parent.kind} id`);
  return `/v2/lbaas/${RESOURCES[spec.parent.kind].plural}/${encodeURIComponent(parentId)}/${spec.plural}`;
}

export function resourcePath(spec: ResourceSpec, id: string, parentId?: string): string {
  return `${collectionPath(spec, parentId)}/${encodeURIComponent(id)}`;
}

export function optionName(field: FieldSpec): string {
  return field.option ?? field.field.replaceAll('_', '-');
}

/** Fields Octavia fixes at creation; `apply` cannot change them in place either. */
export function createOnlyFields(kind: ResourceKind): ReadonlySet<string> {
  return new Set(RESOURCES[kind].fields.filter((f) => f.createOnly === true).map((f) => f.field));
}
