// docs/api.md's field tables, generated from the catalog so they cannot drift from the code:
// `npm run docs` writes them, and test/unit/model/field-docs.test.ts fails when they are stale.

import type { TSchema } from '@sinclair/typebox';
import { RESOURCE_KINDS, type ResourceKind } from '../types.js';
import { CATALOG, createMode, fieldsOf, inputSchema, isInput, updateMode } from './catalog.js';
import { BASE_FIELDS, LABEL, STATUS_FIELDS, type FieldSpec, type Fields } from './field.js';

export const FIELD_DOCS_BEGIN = '<!-- BEGIN GENERATED FIELD TABLES: `npm run docs` rewrites this part from src/model/resources/ -->';
export const FIELD_DOCS_END = '<!-- END GENERATED FIELD TABLES -->';

/** A schema in words: `integer 1–65535`, `TCP | UDP`, `list of strings or null`. */
export function describeSchema(schema: TSchema): string {
  const branches = schema.anyOf as TSchema[] | undefined;
  if (branches !== undefined) {
    const nullable = branches.some((branch) => branch.type === 'null');
    const rest = branches.filter((branch) => branch.type !== 'null');
    const words = rest.every((branch) => branch.const !== undefined) ? rest.map((branch) => String(branch.const)).join(' | ') : rest.map(describeSchema).join(' or ');
    return nullable ? `${words} or null` : words;
  }
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const min = schema.minimum as number | undefined;
      const max = schema.maximum as number | undefined;
      const range = min !== undefined && max !== undefined ? ` ${min}–${max}` : min !== undefined ? ` ≥ ${min}` : max !== undefined ? ` ≤ ${max}` : '';
      return `${schema.type}${range}`;
    }
    case 'array': {
      const items = describeSchema(schema.items as TSchema);
      return `list of ${items === 'string' ? 'strings' : items === 'object' ? 'objects' : items}`;
    }
    case 'object':
      return 'object';
    default:
      return String(schema.type ?? 'any');
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown) => `\`${JSON.stringify(value)}\``;

function defaultCell(field: FieldSpec): string {
  if (field.default !== undefined) return code(field.default);
  if (field.defaultDoc !== undefined) return cell(field.defaultDoc);
  return '—';
}

function createCell(field: FieldSpec): string {
  return { required: 'required', optional: 'yes', no: '—' }[createMode(field)];
}

function updateCell(field: FieldSpec): string {
  return { yes: 'yes', fixed: 'fixed', no: '—' }[updateMode(field)];
}

/** Whether the data plane acts on it, else why not. */
function dataPlaneCell(field: FieldSpec): string {
  if (!isInput(field)) return 'set by the server';
  if (field.ignored === LABEL) return 'label';
  if (field.ignored !== undefined) return cell(field.ignored);
  return 'uses it';
}

function row(name: string, field: FieldSpec): string {
  const shown = field.shown === false ? ' (never shown)' : '';
  const when = field.appliesWhen !== undefined ? ` Only when ${field.appliesWhen.field} is ${field.appliesWhen.values.join(', ')}.` : '';
  return `| \`${name}\` | ${cell(describeSchema(isInput(field) ? inputSchema(field) : field.schema))} | ${defaultCell(field)} | ${createCell(field)} | ${updateCell(field)} | ${dataPlaneCell(field)} | ${cell(field.doc)}${shown}${cell(when)} |`;
}

const HEADER = ['| field | type | default | create | update | data plane | meaning |', '|---|---|---|---|---|---|---|'];

function resourceTable(kind: ResourceKind): string[] {
  const spec = CATALOG[kind];
  return [
    `### ${spec.title}`,
    '',
    `\`/v2/lbaas/${spec.collectionPath.replace(/:(\w+)/g, '{$1}')}\`, envelope \`${spec.singular}\` / \`${spec.plural}\`${spec.hasStatus ? '; with statuses' : ''}.`,
    '',
    ...HEADER,
    ...fieldsOf(kind).map(([name, field]) => row(name, field)),
    '',
  ];
}

/** The generated part of docs/api.md, markers included. */
export function fieldTablesMarkdown(): string {
  const common: [string, FieldSpec][] = [...Object.entries(BASE_FIELDS as Fields), ...Object.entries(STATUS_FIELDS as Fields)];
  return [
    FIELD_DOCS_BEGIN,
    '',
    'Columns: **create**: `required`, `yes` (optional; the default applies) or `—` (not accepted);',
    '**update**: `yes`, `fixed` (may repeat its current value, not change it) or `—` (not accepted; a 400);',
    '**data plane**: `uses it`, `label` (names and tags, for people and filters) or why it does not.',
    'A `null` where the type allows it and a default is given resets the field to its default.',
    '',
    '### every resource',
    '',
    'Statuses only on the resources that have them (not certificates and IP address groups).',
    '',
    ...HEADER,
    ...common.map(([name, field]) => row(name, field)),
    '',
    ...RESOURCE_KINDS.flatMap(resourceTable),
    FIELD_DOCS_END,
  ].join('\n');
}

/** docs/api.md's text with the generated part replaced (markers must be present). */
export function withFieldTables(markdown: string): string {
  const begin = markdown.indexOf(FIELD_DOCS_BEGIN);
  const end = markdown.indexOf(FIELD_DOCS_END);
  if (begin < 0 || end < begin) throw new Error('docs/api.md lacks the generated field table markers');
  return `${markdown.slice(0, begin)}${fieldTablesMarkdown()}${markdown.slice(end + FIELD_DOCS_END.length)}`;
}
