// Octavia's list parameters on rendered views: equality filters on top-level scalar fields,
// tag filters, then `marker` (start after that id) and `limit`.

import { ElbowError } from '../errors.js';
import type { ListParams, ResourceView } from './control-plane.js';

/** Parameters that are not field filters (the API handles `fields`; sorting keeps creation order). */
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

export function applyListQuery(views: readonly ResourceView[], params: ListParams): ResourceView[] {
  const query = params.query;
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
    // The marker is looked up in the whole collection: it may itself not match the filters.
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
