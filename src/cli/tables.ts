// Plain-text tables for people: aligned columns for lists, key/value pairs for one resource.

export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A PEM in a table cell: its first line stands for it.
  if (typeof value === 'string') return value.includes('\n') ? `${value.split('\n', 1)[0] ?? ''}…` : value;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Columns padded to their widest cell; the header is the column names upper-cased. */
export function formatTable(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cells = [columns.map((c) => c.toUpperCase()), ...rows.map((row) => columns.map((c) => formatCell(row[c])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

export function formatKeyValue(resource: Record<string, unknown>): string {
  const keys = Object.keys(resource);
  const width = Math.max(0, ...keys.map((k) => k.length));
  const indent = ' '.repeat(width + 2);
  const show = (v: unknown): string => (typeof v === 'string' ? v.trimEnd().replaceAll('\n', `\n${indent}`) : formatCell(v));
  return keys.map((k) => `${k.padEnd(width)}  ${show(resource[k])}`.trimEnd()).join('\n') + '\n';
}
