// Between API values and what the form's inputs hold: text (and booleans), nested for objects.
import type { Field, Widget } from './schema';

export type FormValue = string | boolean | string[] | FormValues;
export interface FormValues {
  [name: string]: FormValue;
}

/** A message for the field, shown at it, when its text cannot become a value. */
export class FieldInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export function initialValues(fields: readonly Field[], resource: Record<string, unknown> | undefined, useDefaults: boolean): FormValues {
  const values: FormValues = {};
  for (const field of fields) {
    const value = resource?.[field.name] ?? (useDefaults ? field.default : undefined);
    values[field.name] = toInput(field, value, useDefaults);
  }
  return values;
}

function toInput(field: Field, value: unknown, useDefaults: boolean): FormValue {
  const widget = field.widget;
  switch (widget.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? value : useDefaults && field.name === 'admin_state_up';
    case 'object':
      return initialValues(widget.fields, (value ?? undefined) as Record<string, unknown> | undefined, false);
    case 'lines':
      return Array.isArray(value) ? value.map(String).join('\n') : '';
    case 'rows':
      return Array.isArray(value) ? value.map((row) => widget.columns.map((c) => String((row as Record<string, unknown>)[c] ?? '')).join(' ').trim()).join('\n') : '';
    case 'map':
      return value !== null && typeof value === 'object' ? Object.entries(value).map(([k, v]) => `${k}: ${String(v)}`).join('\n') : '';
    case 'json':
      return value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

/** The API value of a field's input; undefined when the input is empty. */
export function toValue(field: Field, input: FormValue, path = field.name): unknown {
  const widget = field.widget;
  if (widget.kind === 'boolean') return input === true;
  if (widget.kind === 'object') return objectValue(widget.fields, input as FormValues, path);
  if (Array.isArray(input)) return input.length === 0 ? undefined : input;
  const text = String(input).trim();
  if (text === '') return undefined;
  const parse = FROM_TEXT[widget.kind] as ((text: string, widget: Widget, path: string) => unknown) | undefined;
  return parse === undefined ? text : parse(text, widget, path);
}

function objectValue(fields: readonly Field[], input: FormValues, path: string): Record<string, unknown> | undefined {
  const nested: Record<string, unknown> = {};
  for (const sub of fields) {
    const value = toValue(sub, input[sub.name] ?? '', `${path}.${sub.name}`);
    if (value !== undefined && !(sub.widget.kind === 'boolean' && value === false && !sub.required)) nested[sub.name] = value;
  }
  return Object.keys(nested).length === 0 ? undefined : nested;
}

type WidgetOf<K extends Widget['kind']> = Extract<Widget, { kind: K }>;

/** A non-empty text input's value, per widget (text itself is kept as it is). */
const FROM_TEXT: { [K in Widget['kind']]?: (text: string, widget: WidgetOf<K>, path: string) => unknown } = {
  integer: (text, _widget, path) => toNumber(text, true, path),
  number: (text, _widget, path) => toNumber(text, false, path),
  enum: (text, widget) => widget.options.find((o) => String(o) === text) ?? text,
  lines: (text) => text.split(/[\n,]+/).map((s) => s.trim()).filter((s) => s !== ''),
  rows: (text, widget) =>
    text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => toRow(line, widget.columns)),
  map: (text, _widget, path) => {
    const map: Record<string, string> = {};
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new FieldInputError(path, `${path}: write one "Name: value" per line`);
      map[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    return map;
  },
  json: (text, _widget, path) => {
    try {
      return JSON.parse(text);
    } catch {
      throw new FieldInputError(path, `${path} must be JSON`);
    }
  },
};

function toNumber(text: string, integer: boolean, path: string): number {
  const number = Number(text);
  if (!Number.isFinite(number) || (integer && !Number.isInteger(number))) throw new FieldInputError(path, `${path} must be ${integer ? 'a whole number' : 'a number'}`);
  return number;
}

/** "10.0.0.1 web" → {ip: "10.0.0.1", description: "web"}: the last column takes the rest of the line. */
function toRow(line: string, columns: string[]): Record<string, string> {
  const parts = line.split(/\s+/);
  const row: Record<string, string> = {};
  columns.forEach((column, i) => {
    const value = i === columns.length - 1 ? parts.slice(i).join(' ') : parts[i];
    if (value) row[column] = value;
  });
  return row;
}

/**
 * The request body: on create, every field with a value (booleans only when changed, so the
 * API's defaults apply); on update, only what changed, and null for a cleared nullable field.
 */
export function requestBody(fields: readonly Field[], values: FormValues, initial: FormValues, mode: 'create' | 'update', hidden: ReadonlySet<string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    if (hidden.has(field.name)) continue;
    const input = values[field.name] ?? '';
    const changed = JSON.stringify(input) !== JSON.stringify(initial[field.name] ?? '');
    if (mode === 'update' && !changed) continue;
    if (field.widget.kind === 'boolean' && !changed) continue;
    const value = toValue(field, input);
    if (value === undefined) {
      if (mode === 'update') body[field.name] = field.nullable ? null : field.widget.kind === 'lines' || field.widget.kind === 'rows' ? [] : field.widget.kind === 'map' ? {} : undefined;
      if (body[field.name] === undefined) delete body[field.name];
      continue;
    }
    body[field.name] = value;
  }
  return body;
}
