// Octavia's list parameters on rendered views: equality filters on top-level scalar fields,
// tag filters, sorting (`sort=key:dir,…` or `sort_key`/`sort_dir`; creation order otherwise and
// between equals), then `marker` (start after that id, in the sorted order) and `limit`.

import { ElbowError } from '../errors.js';
import type { ListParams, ResourceView } from './control-plane.js';

/** Parameters that are not field filters (the API handles `fields`). */
const NOT_FILTERS = new Set(['limit', 'marker', 'fields', 'sort', 'sort_key', 'sort_dir', 'page_reverse', 'cascade', 'tags', 'tags-any', 'not-tags', 'not-tags-any']);

function values(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [raw];
}

/** Tags arrive as `?tags=a,b` or repeated `?tags=a&tags=b`. */
function tagList(raw: string | string[] | undefined): string[] {
  return values(raw).flatMap((v) => v.split(',')).filter((t) => t !== '');
}

function scalarMatches(actual: unknown, wanted: readonly string[]): boolean {
  if (actual === null) return wanted.some((w) => w === '' || w.toLowerCase() === 'null' || w.toLowerCase() === 'none');
  if (typeof actual === 'boolean') return wanted.some((w) => w.toLowerCase() === String(actual));
  return wanted.some((w) => w === String(actual));
}

function lastValue(raw: string | string[] | undefined): string | undefined {
  return Array.isArray(raw) ? raw.at(-1) : raw;
}

type SortDirection = 'asc' | 'desc';

/** Comma-separated values of a parameter given once or repeated. */
function commaValues(raw: string | string[] | undefined): string[] {
  return values(raw).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function direction(text: string): SortDirection {
  const lower = text.toLowerCase();
  if (lower !== 'asc' && lower !== 'desc') throw new ElbowError('INVALID_SORT_DIRECTION', { key: text });
  return lower;
}

/** Octavia's PaginationHelper: `sort=name:desc,created_at` wins over `sort_key=name,id&sort_dir=desc` (missing directions: asc). */
export function sortKeys(query: ListParams['query'], sortable: ReadonlySet<string>): [string, SortDirection][] {
  const sort = commaValues(query.sort);
  const keys: [string, SortDirection][] =
    sort.length > 0
      ? sort.map((item) => {
          const parts = item.split(':');
          if (parts.length > 2) throw new ElbowError('INVALID_SORT_KEY', { key: item });
          return [parts[0] ?? '', parts[1] === undefined ? 'asc' : direction(parts[1])];
        })
      : commaValues(query.sort_key).map((key, i): [string, SortDirection] => [key, direction(commaValues(query.sort_dir)[i] ?? 'asc')]);
  for (const [key] of keys) if (!sortable.has(key)) throw new ElbowError('INVALID_SORT_KEY', { key });
  return keys;
}

/** null first, then booleans (false first), numbers, strings (by code point), as a database orders them. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) => (v === null || v === undefined ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : 3);
  const [ra, rb] = [rank(a), rank(b)];
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  const [x, y] = ra === 3 ? [String(a), String(b)] : [Number(a), Number(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Stable: resources equal on every key keep their creation order (Octavia's created_at, id tie-break). */
function sorted(views: readonly ResourceView[], keys: readonly [string, SortDirection][]): readonly ResourceView[] {
  if (keys.length === 0) return views;
  return [...views].sort((a, b) => {
    for (const [key, dir] of keys) {
      const order = compareValues(a[key], b[key]);
      if (order !== 0) return dir === 'asc' ? order : -order;
    }
    return 0;
  });
}

/**
 * `views` in creation order; `sortable`: the fields a list may be sorted by (the kind's fields
 * with a plain value), anything else is INVALID_SORT_KEY as in Octavia.
 */
export function applyListQuery(allViews: readonly ResourceView[], params: ListParams, sortable: ReadonlySet<string> = new Set()): ResourceView[] {
  const query = params.query;
  const views = sorted(allViews, sortKeys(query, sortable));
  let result = views.filter((view) => {
    for (const [field, raw] of Object.entries(query)) {
      if (NOT_FILTERS.has(field) || raw === undefined) continue;
      const actual = view[field];
      // Filters name scalar fields; anything else (unknown fields, arrays, objects) is ignored as Octavia does.
      if (actual !== null && !['string', 'number', 'boolean'].includes(typeof actual)) continue;
      if (actual === undefined) continue;
      if (!scalarMatches(actual, values(raw))) return false;
    }
    const tags = (view.tags as string[] | undefined) ?? [];
    const all = tagList(query.tags);
    const any = tagList(query['tags-any']);
    const notAll = tagList(query['not-tags']);
    const notAny = tagList(query['not-tags-any']);
    if (all.length > 0 && !all.every((t) => tags.includes(t))) return false;
    if (any.length > 0 && !any.some((t) => tags.includes(t))) return false;
    if (notAll.length > 0 && notAll.every((t) => tags.includes(t))) return false;
    if (notAny.length > 0 && notAny.some((t) => tags.includes(t))) return false;
    return true;
  });

  const marker = lastValue(query.marker);
  if (marker !== undefined) {
    // The marker is looked up in the whole collection, sorted: it may itself not match the filters.
    const position = new Map(views.map((view, i) => [view.id, i]));
    const markerAt = position.get(marker);
    if (markerAt === undefined) throw new ElbowError('INVALID_QUERY', { field: 'marker', detail: `no resource with id ${marker} in this list` });
    result = result.filter((view) => (position.get(view.id) ?? -1) > markerAt);
  }
  const limitText = lastValue(query.limit);
  if (limitText !== undefined) {
    const limit = Number(limitText);
    if (!/^\d+$/.test(limitText) || limit < 1) throw new ElbowError('INVALID_QUERY', { field: 'limit', detail: 'must be a positive integer' });
    result = result.slice(0, limit);
  }
  return result;
}
