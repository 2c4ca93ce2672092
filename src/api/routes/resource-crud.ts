// Create, show, list, update and delete for every resource of the table in resources.ts (the
// operations each kind has), with Octavia's envelopes: `{"listener": {...}}` in and out,
// `{"listeners": [...], "listeners_links": []}`. Quotas answer their PUT and DELETE with 202, as
// Octavia does. A create belongs to the request's project: its X-Project-Id header (the header
// keystonemiddleware passes on, and Octavia reads without auth), else the server's.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { ElbowError } from '../../errors.js';
import { isCascade, paginationLinks, requestedFields, selectFields, type Query } from '../query.js';
import type { Operation } from '../../model/resources/field.js';
import type { ResourceRoute } from '../resources.js';

type Params = Record<string, string>;

export function registerResourceRoutes(app: FastifyInstance, control: ControlPlane, routes: readonly ResourceRoute[]): void {
  for (const route of routes) {
    const collection = `/${route.collectionPath}`;
    const item = `${collection}/:id`;
    const parentOf = (request: FastifyRequest) => parentIds(route, request.params as Params);

    const has = (operation: Operation) => route.operations.includes(operation);
    /** Octavia's codes for quotas: a PUT and a DELETE are accepted (202), not done (200, 204). */
    const accepted = route.kind === 'quota';

    if (has('create')) {
      app.post(collection, async (request, reply) => {
        const created = await control.create(route.kind, unwrap(route.singular, request.body), parentOf(request), { projectId: requestProject(request) });
        return reply.code(201).send({ [route.singular]: created });
      });
    }

    if (has('list')) {
      app.get(collection, async (request) => {
        const query = request.query as Query;
        const views = await control.list(route.kind, { query }, parentOf(request));
        const fields = requestedFields(query);
        const baseUrl = `${request.protocol}://${request.host}${request.url.split('?')[0] ?? ''}`;
        return {
          [route.plural]: views.map((view) => selectFields(view, fields)),
          [`${route.plural}_links`]: paginationLinks(baseUrl, query, views),
        };
      });
    }

    if (has('show')) {
      app.get(item, async (request) => {
        const view = await control.show(route.kind, idOf(request), parentOf(request));
        return { [route.singular]: selectFields(view, requestedFields(request.query as Query)) };
      });
    }

    if (has('update')) {
      app.put(item, async (request, reply) => {
        const updated = await control.update(route.kind, idOf(request), unwrap(route.singular, request.body), parentOf(request));
        return reply.code(accepted ? 202 : 200).send({ [route.singular]: updated });
      });
    }

    if (has('delete')) {
      app.delete(item, async (request, reply) => {
        const options = { ...parentOf(request), ...(route.kind === 'loadbalancer' ? { cascade: isCascade(request.query as Query) } : {}) };
        await control.remove(route.kind, idOf(request), options);
        return reply.code(accepted ? 202 : 204).send();
      });
    }
  }
}

/** The project a request names (X-Project-Id, or the older X-Tenant-Id), if any. */
export function requestProject(request: FastifyRequest): string | undefined {
  const header = request.headers['x-project-id'] ?? request.headers['x-tenant-id'];
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  return value === undefined || value === '' ? undefined : value.slice(0, 255);
}

/** `{"listener": {...}}` → `{...}`; anything else is a 400 naming the expected key. */
export function unwrap(key: string, body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) throw new ElbowError('INVALID_BODY', { field: key, detail: `the request body must be a JSON object {"${key}": {...}}` });
  const inner = body[key];
  if (!isPlainObject(inner)) throw new ElbowError('INVALID_BODY', { field: key, detail: `"${key}" must be a JSON object` });
  return inner;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function idOf(request: FastifyRequest): string {
  return (request.params as Params).id ?? '';
}

function parentIds(route: ResourceRoute, params: Params): { pool_id?: string; l7policy_id?: string } | undefined {
  if (route.parent === undefined) return undefined;
  return { [route.parent]: params[route.parent] ?? '' };
}
