// Form fields from /openapi.json: the API's own request schemas (TypeBox → JSON Schema) decide
// which fields a form has, their widgets, ranges, enums, defaults and help. A field the API adds
// appears in the console without a change here.
import { request } from '../api/client';

export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
  examples?: unknown[];
  description?: string;
  title?: string;
  $ref?: string;
  /** Resources of this kind created with the one the form creates (single-call create): not a form field. */
  'x-elbow-nested'?: string;
  /** The kind of resource whose id (an availability zone: its name) the field holds. */
  'x-elbow-ref'?: string;
}

export type Widget =
  | { kind: 'enum'; options: (string | number)[] }
  | { kind: 'boolean' }
  | { kind: 'integer' | 'number'; min?: number; max?: number }
  | { kind: 'text'; multiline: boolean; maxLength?: number; pattern?: string }
  | { kind: 'lines' }
  | { kind: 'rows'; columns: string[] }
  | { kind: 'map' }
  | { kind: 'object'; fields: Field[] }
  | { kind: 'json' };

export interface Field {
  name: string;
  required: boolean;
  nullable: boolean;
  widget: Widget;
  description?: string;
  default?: unknown;
  /** The resource kind it refers to (`x-elbow-ref`): the form offers the existing ones. */
  ref?: string;
  /** The schema's example, shown as a hint in an empty input. */
  example?: string;
}

let document: Promise<{ components: { schemas: Record<string, JsonSchema> } }> | undefined;

export function openApi(): Promise<{ components: { schemas: Record<string, JsonSchema> } }> {
  document ??= request('GET', '/openapi.json');
  document.catch(() => (document = undefined));
  return document;
}

/** Fields Octavia clients may send that elbow ignores: never shown. */
const IGNORED = new Set(['project_id', 'tenant_id']);

export async function formFields(schemaName: string): Promise<Field[]> {
  const doc = await openApi();
  const schema = doc.components.schemas[schemaName];
  if (schema === undefined) throw new Error(`/openapi.json has no schema ${schemaName}`);
  return fieldsOf(schema, doc.components.schemas);
}

export function fieldsOf(schema: JsonSchema, all: Record<string, JsonSchema> = {}): Field[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([name, property]) => !IGNORED.has(name) && property['x-elbow-nested'] === undefined)
    .map(([name, property]) => toField(name, resolve(property, all), required.has(name), all));
}

function resolve(schema: JsonSchema, all: Record<string, JsonSchema>): JsonSchema {
  const ref = schema.$ref?.replace('#/components/schemas/', '');
  return ref !== undefined && all[ref] !== undefined ? all[ref] : schema;
}

function toField(name: string, schema: JsonSchema, required: boolean, all: Record<string, JsonSchema>): Field {
  const branches = schema.anyOf ?? [schema];
  const nullable = branches.some((b) => b.type === 'null') || (Array.isArray(schema.type) && schema.type.includes('null'));
  const nonNull = branches.filter((b) => b.type !== 'null').map((b) => resolve(b, all));
  const ref = schema['x-elbow-ref'] ?? nonNull[0]?.['x-elbow-ref'];
  const example = (schema.examples ?? nonNull[0]?.examples)?.[0];
  return {
    ...(ref !== undefined ? { ref } : {}),
    ...(example !== undefined ? { example: typeof example === 'string' ? example : JSON.stringify(example) } : {}),
    name,
    required,
    nullable,
    widget: widgetOf(nonNull, all),
    ...(schema.description ?? nonNull[0]?.description ? { description: schema.description ?? nonNull[0]?.description } : {}),
    ...(schema.default !== undefined ? { default: schema.default } : nonNull[0]?.default !== undefined ? { default: nonNull[0].default } : {}),
  };
}

function widgetOf(branches: JsonSchema[], all: Record<string, JsonSchema>): Widget {
  // An enum is a union of constants (TypeBox) or `enum` (plain JSON Schema).
  if (branches.length > 1 || branches[0]?.const !== undefined) {
    const flat = branches.flatMap((b) => (b.anyOf ? b.anyOf : [b]));
    if (flat.every((b) => b.const !== undefined)) return { kind: 'enum', options: flat.map((b) => b.const as string | number) };
    return { kind: 'json' };
  }
  const schema = branches[0] ?? {};
  if (schema.enum) return { kind: 'enum', options: schema.enum as (string | number)[] };
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return WIDGET_OF_TYPE[type ?? '']?.(schema, all) ?? { kind: 'json' };
}

const optional = <T>(name: string, value: T | undefined) => (value !== undefined ? { [name]: value } : {});

/** The widget of each JSON Schema type. */
const WIDGET_OF_TYPE: Record<string, (schema: JsonSchema, all: Record<string, JsonSchema>) => Widget> = {
  boolean: () => ({ kind: 'boolean' }),
  integer: (schema) => ({ kind: 'integer', ...optional('min', schema.minimum), ...optional('max', schema.maximum) }),
  number: (schema) => ({ kind: 'number', ...optional('min', schema.minimum), ...optional('max', schema.maximum) }),
  string: (schema) => ({ kind: 'text', multiline: (schema.maxLength ?? 0) > 4096, ...optional('maxLength', schema.maxLength), ...optional('pattern', schema.pattern) }),
  array: (schema, all) => {
    const items = resolve(schema.items ?? {}, all);
    if (items.type === 'string') return { kind: 'lines' };
    const columns = Object.entries(items.properties ?? {});
    if (items.type === 'object' && columns.length > 0 && columns.every(([, p]) => p.type === 'string')) return { kind: 'rows', columns: columns.map(([n]) => n) };
    return { kind: 'json' };
  },
  object: (schema, all) => {
    if (schema.properties && Object.keys(schema.properties).length > 0) return { kind: 'object', fields: fieldsOf(schema, all) };
    if (schema.patternProperties || typeof schema.additionalProperties === 'object') return { kind: 'map' };
    return { kind: 'json' };
  },
};
