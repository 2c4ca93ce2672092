// Plain-text tables for people: aligned columns for lists, key/value pairs for one resource.

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A PEM in a table cell: its first line stands for it.
  if (typeof value === 'string') return value.includes('\n') ? `${value.split('\n', 1)[0] ?? ''}…` : value;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(',');
  // Octavia's relationship lists, [{"id": …}, …]: the ids are what a reader wants.
  if (Array.isArray(value) && value.every(isIdRef)) return value.map((v) => v.id).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Columns padded to their widest cell; the header is the column names upper-cased. */
export function formatTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cells = [columns.map((c) => c.toUpperCase()), ...rows.map((row) => columns.map((c) => formatCell(row[c])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

/** Identity first, then the rest in the API's order. */
const LEADING_KEYS = ['id', 'name', 'description'];

export function formatKeyValue(resource: Record<string, unknown>): string {
  const keys = [...LEADING_KEYS.filter((k) => k in resource), ...Object.keys(resource).filter((k) => !LEADING_KEYS.includes(k))];
  const width = Math.max(0, ...keys.map((k) => k.length));
  const indent = ' '.repeat(width + 2);
  const show = (v: unknown): string => (typeof v === 'string' ? v.trimEnd().replaceAll('\n', `\n${indent}`) : formatCell(v));
  return keys.map((k) => `${k.padEnd(width)}  ${show(resource[k])}`.trimEnd()).join('\n') + '\n';
}

function isIdRef(value: unknown): value is { id: string } {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof (value as { id?: unknown }).id === 'string';
}
