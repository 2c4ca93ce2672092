// Request and response shapes of every resource kind as TypeBox (plain JSON Schema), used to
// validate API bodies and to generate /openapi.json. They are derived from the resource catalog
// (resources/<kind>.ts), where each field is declared once; field sets and ranges follow Octavia
// v2's api/v2/types/*.py, with the Huawei ELB / elbow extensions marked there.
// Bodies are strict (additionalProperties: false) except for a few fields Octavia clients send
// that elbow accepts and ignores (IGNORED_INPUT).

import type { TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { ElbowError } from '../errors.js';
import { checkPort } from './rules/port-range.js';
import { createSchema, perKind, updateSchema, viewSchema, type FieldsOf } from './resources/catalog.js';
import { NO_CONTROL_CHARACTERS, PORT_RANGE, type CreateBodyOf, type UpdateBodyOf } from './resources/field.js';
import type { ResourceKind } from './types.js';

export const RESOURCE_SCHEMAS: Readonly<Record<ResourceKind, { create: TObject; update: TObject; view: TObject }>> = perKind((kind) => ({
  create: createSchema(kind),
  update: updateSchema(kind),
  view: viewSchema(kind),
}));

export type BodyMode = 'create' | 'update';
export type CreateBody<K extends ResourceKind> = CreateBodyOf<FieldsOf<K>>;
export type UpdateBody<K extends ResourceKind> = UpdateBodyOf<FieldsOf<K>>;
export type Body<K extends ResourceKind, M extends BodyMode> = M extends 'create' ? CreateBody<K> : UpdateBody<K>;

const compiled = new Map<string, TypeCheck<TSchema>>();
function checkerFor(kind: ResourceKind, mode: BodyMode): TypeCheck<TSchema> {
  const key = `${kind}:${mode}`;
  let checker = compiled.get(key);
  if (!checker) {
    checker = TypeCompiler.Compile(RESOURCE_SCHEMAS[kind][mode]);
    compiled.set(key, checker);
  }
  return checker;
}

/** `/ip_list/0/ip` → `ip_list[0].ip`, the way Octavia names nested fields. */
function fieldName(path: string): string {
  return path
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/**
 * Checks a request body against the kind's create or update schema and returns it typed.
 * Throws INVALID_BODY naming the first bad field.
 */
export function validateBody<K extends ResourceKind, M extends BodyMode>(kind: K, mode: M, input: unknown): Body<K, M> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ElbowError('INVALID_BODY', { field: kind, detail: 'expected a JSON object' });
  }
  const checker = checkerFor(kind, mode);
  if (checker.Check(input)) return input as Body<K, M>;
  const first = checker.Errors(input).First();
  if (!first) throw new ElbowError('INVALID_BODY', { field: kind, detail: 'invalid' });
  const precise = explainUnion(first);
  const field = fieldName(precise.path) || kind;
  if (isPortSchema(precise.schema)) checkPort(field, precise.value);
  throw new ElbowError('INVALID_BODY', { field, detail: describe(precise) });
}

/**
 * Checks a list of bodies (`{"members": [...]}`'s list): each as validateBody does, a bad field
 * named with its place, `members[2].address`.
 */
export function validateBodies<K extends ResourceKind, M extends BodyMode>(kind: K, mode: M, input: unknown, listName: string): Body<K, M>[] {
  if (!Array.isArray(input)) throw new ElbowError('INVALID_BODY', { field: listName, detail: 'expected a list' });
  return input.map((item, i) => {
    try {
      return validateBody(kind, mode, item);
    } catch (error) {
      if (!(error instanceof ElbowError)) throw error;
      const field = typeof error.params.field === 'string' && error.params.field !== kind ? `${listName}[${i}].${error.params.field}` : `${listName}[${i}]`;
      throw new ElbowError(error.code, { ...error.params, field });
    }
  });
}

function isPortSchema(schema: TSchema): boolean {
  return schema.type === 'integer' && schema.minimum === PORT_RANGE.minimum && schema.maximum === PORT_RANGE.maximum;
}

/** TypeBox reports a bad enum or nullable field as "Expected union value"; say what was expected. */
function explainUnion(error: ValueError): ValueError {
  const branches = (error.schema as { anyOf?: TSchema[] }).anyOf;
  if (error.type !== ValueErrorType.Union || !branches) return error;
  const nonNull = branches.filter((b) => b.type !== 'null');
  if (nonNull.length === 1 && error.value !== null) {
    const inner = Value.Errors(nonNull[0] as TSchema, error.value).First();
    if (inner) return explainUnion({ ...inner, path: error.path + inner.path });
  }
  return error;
}

function describe(error: ValueError): string {
  const got = error.value === undefined ? '' : ` (got ${JSON.stringify(error.value)})`;
  const branches = (error.schema as { anyOf?: { const?: unknown; type?: string }[] }).anyOf;
  if (error.type === ValueErrorType.Union && branches) {
    const allowed = branches.map((b) => (b.type === 'null' ? 'null' : JSON.stringify(b.const ?? b.type)));
    return `expected one of ${allowed.join(', ')}${got}`;
  }
  if (error.type === ValueErrorType.StringPattern && (error.schema as { pattern?: string }).pattern === NO_CONTROL_CHARACTERS) {
    return `control characters (U+0000–U+001F, U+007F–U+009F: NUL, tab, newline, escape…) are not allowed in text${got}`;
  }
  return `${error.message}${got}`;
}
