// Octavia's query parameters that the API itself interprets: `fields` (return only the named
// fields), `cascade` on deletes, and the `limit`/`marker` pagination links of a list.
import type { ResourceView } from '../control/control-plane.js';

export type Query = Readonly<Record<string, string | string[] | undefined>>;

/** `?fields=id&fields=name` or `?fields=id,name`; undefined when absent (all fields). */
export function requestedFields(query: Query): string[] | undefined {
  const raw = query.fields;
  if (raw === undefined) return undefined;
  const names = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(',')).map((name) => name.trim());
  const nonEmpty = names.filter((name) => name !== '');
  return nonEmpty.length > 0 ? nonEmpty : undefined;
}

export function selectFields(view: ResourceView, fields: readonly string[] | undefined): Record<string, unknown> {
  if (fields === undefined) return view;
  return Object.fromEntries(fields.filter((name) => Object.hasOwn(view, name)).map((name) => [name, view[name]]));
}

/** A boolean query parameter: `true`, `True`, `1`, `yes` (the last one when repeated). */
export function isTrue(raw: string | string[] | undefined): boolean {
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  return value !== undefined && ['true', '1', 'yes'].includes(value.toLowerCase());
}

/** `?cascade=true` (octaviaclient sends `True`). */
export function isCascade(query: Query): boolean {
  return isTrue(query.cascade);
}

/**
 * Octavia's `<plural>_links`: a `next` link when a `limit` was given and the page is full.
 * The link keeps every other query parameter so a client following it keeps its filters.
 */
export function paginationLinks(baseUrl: string, query: Query, page: readonly ResourceView[]): { href: string; rel: string }[] {
  const limit = Number(Array.isArray(query.limit) ? query.limit.at(-1) : query.limit);
  const last = page.at(-1);
  if (!Number.isInteger(limit) || limit <= 0 || page.length < limit || last === undefined) return [];
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (name === 'marker' || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  }
  params.set('marker', last.id);
  return [{ href: `${baseUrl}?${params.toString()}`, rel: 'next' }];
}
