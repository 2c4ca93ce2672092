// /openapi.json, generated from the one source of truth: the resource catalog, through the model's
// RESOURCE_SCHEMAS for bodies (each field with its description, default and an example) and the
// API's resource table for paths. Nothing here repeats a field list.
import { ERRORS } from '../errors.js';
import { AMPHORA_VIEW } from '../model/amphora.js';
import { CATALOG } from '../model/resources/catalog.js';
import { RESOURCE_SCHEMAS } from '../model/schemas.js';
import type { Operation } from '../model/resources/field.js';
import type { ResourceKind } from '../model/types.js';
import { API_PREFIXES, RESOURCE_ROUTES, type ResourceRoute } from './resources.js';
import { OCTAVIA_PREFIXES } from './routes/amphorae.js';

type JsonObject = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const errorResponse = (description: string) => ({ description, ...json(ref('Error')) });
const CLIENT_ERRORS = {
  '400': errorResponse('Invalid input'),
  '401': errorResponse('Missing or wrong API token'),
  '404': errorResponse('Unknown id'),
  '409': errorResponse('Conflict or resource in use'),
  '500': errorResponse('Internal error, or the change was stored but not applied'),
};

export function buildOpenApiDocument(version: string): JsonObject {
  const paths: JsonObject = {};
  for (const prefix of API_PREFIXES) {
    for (const route of RESOURCE_ROUTES) Object.assign(paths, withOperations(resourcePaths(prefix, route), route));
    Object.assign(paths, statusPaths(prefix));
    mergePaths(paths, memberBatchPath(prefix));
    mergePaths(paths, providerAndQuotaPaths(prefix));
    mergePaths(paths, {
      [`${prefix}/loadbalancers/{id}/failover`]: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        put: { tags: ['loadbalancers'], summary: "Failover: the nodes serving it apply its configuration afresh from the store", responses: { '202': { description: 'Applied' }, ...CLIENT_ERRORS } },
      },
    });
  }
  for (const prefix of OCTAVIA_PREFIXES) Object.assign(paths, amphoraPaths(prefix));
  Object.assign(paths, servicePaths());
  return {
    openapi: '3.1.0',
    info: { title: 'elbow API (OpenStack Octavia v2–compatible)', version },
    security: [{ authToken: [] }, { bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        authToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: { ...resourceSchemas(), Amphora: { ...plain(AMPHORA_VIEW), description: 'An elbow node serving a load balancer, in the shape of an Octavia amphora' }, Error: errorSchema() },
    },
  };
}

function schemaName(kind: ResourceKind, suffix: '' | 'Create' | 'Update'): string {
  return `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)}${suffix}`;
}

function resourceSchemas(): JsonObject {
  const schemas: JsonObject = {};
  for (const [kind, { create, update, view }] of Object.entries(RESOURCE_SCHEMAS) as [ResourceKind, (typeof RESOURCE_SCHEMAS)[ResourceKind]][]) {
    const { title } = CATALOG[kind];
    // A JSON round trip drops TypeBox's symbol keys, leaving plain JSON Schema.
    schemas[schemaName(kind, 'Create')] = { ...plain(create), description: `Body of a ${title} create` };
    schemas[schemaName(kind, 'Update')] = { ...plain(update), description: `Body of a ${title} update (x-elbow-fixed fields may repeat their value, not change it)` };
    schemas[schemaName(kind, '')] = { ...plain(view), description: `A ${title} as the API shows it` };
  }
  return schemas;
}

function plain(schema: unknown): JsonObject {
  return JSON.parse(JSON.stringify(schema)) as JsonObject;
}

function errorSchema(): JsonObject {
  return {
    type: 'object',
    required: ['faultcode', 'faultstring', 'code'],
    properties: {
      faultcode: { enum: ['Client', 'Server'] },
      faultstring: { type: 'string' },
      code: { enum: Object.keys(ERRORS) },
    },
  };
}

/** `pools/:pool_id/members` → `pools/{pool_id}/members`, with its path parameters. */
function openApiPath(prefix: string, path: string): { path: string; parameters: JsonObject[] } {
  const names = [...path.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '');
  return {
    path: `${prefix}/${path.replace(/:(\w+)/g, '{$1}')}`,
    parameters: names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
  };
}

function envelope(key: string, schema: unknown): JsonObject {
  return { type: 'object', required: [key], properties: { [key]: schema } };
}

function resourcePaths(prefix: string, route: ResourceRoute): JsonObject {
  const collection = openApiPath(prefix, route.collectionPath);
  const item = openApiPath(prefix, `${route.collectionPath}/:id`);
  const one = envelope(route.singular, ref(schemaName(route.kind, '')));
  const fields = { name: 'fields', in: 'query', schema: { type: 'string' }, description: 'Return only these fields (repeat or comma-separate)' };
  const listParameters = [
    fields,
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 } },
    { name: 'marker', in: 'query', schema: { type: 'string' }, description: 'Start after the resource with this id' },
    { name: 'sort', in: 'query', schema: { type: 'string' }, description: 'Sort by these fields: key[:asc|desc],… (default: creation order)' },
    { name: 'sort_key', in: 'query', schema: { type: 'string' }, description: 'Sort by these fields (comma-separated), with sort_dir' },
    { name: 'sort_dir', in: 'query', schema: { type: 'string' }, description: 'asc or desc for each sort_key (comma-separated)' },
  ];
  const links = { type: 'array', items: { type: 'object', properties: { href: { type: 'string' }, rel: { type: 'string' } } } };
  const tags = [route.plural];
  return {
    [collection.path]: {
      parameters: collection.parameters,
      post: {
        tags,
        summary: `Create a ${route.singular}`,
        requestBody: { required: true, ...json(envelope(route.singular, ref(schemaName(route.kind, 'Create')))) },
        responses: { '201': { description: 'Created and applied', ...json(one) }, ...CLIENT_ERRORS },
      },
      get: {
        tags,
        summary: `List ${route.plural} (filter by any field: ?name=…)`,
        parameters: listParameters,
        responses: {
          '200': {
            description: 'The list',
            ...json({
              type: 'object',
              properties: { [route.plural]: { type: 'array', items: ref(schemaName(route.kind, '')) }, [`${route.plural}_links`]: links },
            }),
          },
          ...CLIENT_ERRORS,
        },
      },
    },
    [item.path]: {
      parameters: item.parameters,
      get: { tags, summary: `Show a ${route.singular}`, parameters: [fields], responses: { '200': { description: 'The resource', ...json(one) }, ...CLIENT_ERRORS } },
      put: {
        tags,
        summary: `Update a ${route.singular}`,
        requestBody: { required: true, ...json(envelope(route.singular, ref(schemaName(route.kind, 'Update')))) },
        responses: { '200': { description: 'Updated and applied', ...json(one) }, ...CLIENT_ERRORS },
      },
      delete: {
        tags,
        summary: `Delete a ${route.singular}`,
        ...(route.kind === 'loadbalancer'
          ? { parameters: [{ name: 'cascade', in: 'query', schema: { type: 'boolean' }, description: 'Also delete everything below it' }] }
          : {}),
        responses: { '204': { description: 'Deleted' }, ...CLIENT_ERRORS },
      },
    },
  };
}

const METHOD_OF: Record<Operation, [path: 'collection' | 'item', method: string]> = {
  create: ['collection', 'post'],
  list: ['collection', 'get'],
  show: ['item', 'get'],
  update: ['item', 'put'],
  delete: ['item', 'delete'],
};

/** Only the methods of the kind's operations (quotas have no POST); their PUT and DELETE answer 202, as Octavia's. */
function withOperations(paths: JsonObject, route: ResourceRoute): JsonObject {
  const [collectionPath, itemPath] = Object.keys(paths) as [string, string];
  const kept: Record<string, JsonObject> = { [collectionPath]: { parameters: (paths[collectionPath] as JsonObject).parameters }, [itemPath]: { parameters: (paths[itemPath] as JsonObject).parameters } };
  for (const operation of route.operations) {
    const [where, method] = METHOD_OF[operation];
    const path = where === 'collection' ? collectionPath : itemPath;
    let spec = (paths[path] as JsonObject)[method] as JsonObject;
    if (route.kind === 'quota' && (method === 'put' || method === 'delete')) {
      const responses = { ...(spec.responses as JsonObject) };
      const done = responses['200'] ?? responses['204'];
      delete responses['200'];
      delete responses['204'];
      spec = { ...spec, responses: { '202': done, ...responses } };
    }
    (kept[path] as JsonObject)[method] = spec;
  }
  return kept;
}

function providerAndQuotaPaths(prefix: string): JsonObject {
  const named = (key: string) => json({ type: 'object', properties: { [key]: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' } } } } } });
  const provider = [{ name: 'provider', in: 'path', required: true, schema: { type: 'string' } }];
  const quota = json(envelope('quota', ref(schemaName('quota', ''))));
  return {
    [`${prefix}/providers`]: { get: { tags: ['providers'], summary: 'Providers: elbow, and its aliases octavia and amphora', responses: { '200': { description: 'The providers', ...named('providers') }, ...CLIENT_ERRORS } } },
    [`${prefix}/providers/{provider}/flavor_capabilities`]: {
      parameters: provider,
      get: { tags: ['providers'], summary: 'The flavor_data keys elbow honours', responses: { '200': { description: 'Capabilities', ...named('flavor_capabilities') }, ...CLIENT_ERRORS } },
    },
    [`${prefix}/providers/{provider}/availability_zone_capabilities`]: {
      parameters: provider,
      get: { tags: ['providers'], summary: 'The availability_zone_data keys elbow honours', responses: { '200': { description: 'Capabilities', ...named('availability_zone_capabilities') }, ...CLIENT_ERRORS } },
    },
    [`${prefix}/quotas/defaults`]: { get: { tags: ['quotas'], summary: 'The default quota (-1: unlimited)', responses: { '200': { description: 'The defaults', ...quota }, ...CLIENT_ERRORS } } },
    [`${prefix}/quotas/{id}/default`]: {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'A project id' }],
      get: { tags: ['quotas'], summary: "A project's default quota", responses: { '200': { description: 'The defaults', ...quota }, ...CLIENT_ERRORS } },
    },
  };
}

/** Octavia's amphorae: one per elbow node serving a load balancer. */
function amphoraPaths(prefix: string): JsonObject {
  const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
  const tags = ['amphorae'];
  const one = json(envelope('amphora', ref('Amphora')));
  const applied = (summary: string) => ({ parameters: id, put: { tags, summary, responses: { '202': { description: 'Applied' }, ...CLIENT_ERRORS } } });
  return {
    [`${prefix}/amphorae`]: {
      get: {
        tags,
        summary: 'The elbow nodes serving each load balancer, one entry per node and load balancer (filter by any field: ?loadbalancer_id=…)',
        responses: { '200': { description: 'The list', ...json({ type: 'object', properties: { amphorae: { type: 'array', items: ref('Amphora') } } }) }, ...CLIENT_ERRORS },
      },
    },
    [`${prefix}/amphorae/{id}`]: { parameters: id, get: { tags, summary: 'One node serving one load balancer', responses: { '200': { description: 'The amphora', ...one }, ...CLIENT_ERRORS } } },
    [`${prefix}/amphorae/{id}/stats`]: {
      parameters: id,
      get: { tags, summary: "The load balancer's listeners as this node counts them", responses: { '200': { description: 'amphora_stats', ...json({ type: 'object' }) }, ...CLIENT_ERRORS } },
    },
    [`${prefix}/amphorae/{id}/failover`]: applied('Failover: the node applies the load balancer afresh from the store'),
    [`${prefix}/amphorae/{id}/config`]: applied('Configuration refresh: as failover'),
  };
}

/** Adds operations to paths that may already have others. */
function mergePaths(paths: JsonObject, more: JsonObject): void {
  for (const [path, operations] of Object.entries(more)) paths[path] = { ...(paths[path] as JsonObject | undefined), ...(operations as JsonObject) };
}

function memberBatchPath(prefix: string): JsonObject {
  const members = { type: 'array', items: ref(schemaName('member', 'Create')) };
  return {
    [`${prefix}/pools/{pool_id}/members`]: {
      put: {
        tags: ['members'],
        summary: "Batch update: the pool's members become this list (matched by address and port: created, updated, deleted), in one change",
        parameters: [{ name: 'additive_only', in: 'query', schema: { type: 'boolean' }, description: 'Create and update only: delete no member' }],
        requestBody: { required: true, ...json(envelope('members', members)) },
        responses: { '202': { description: 'Applied' }, ...CLIENT_ERRORS },
      },
    },
  };
}

function statusPaths(prefix: string): JsonObject {
  const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
  const stats = envelope('stats', {
    type: 'object',
    properties: Object.fromEntries(['bytes_in', 'bytes_out', 'active_connections', 'total_connections', 'request_errors'].map((name) => [name, { type: 'integer' }])),
  });
  const get = (summary: string, schema: unknown) => ({ parameters: id, get: { summary, responses: { '200': { description: summary, ...json(schema) }, ...CLIENT_ERRORS } } });
  return {
    [`${prefix}/loadbalancers/{id}/status`]: get('Status tree of a load balancer', envelope('statuses', { type: 'object' })),
    [`${prefix}/loadbalancers/{id}/statuses`]: get('Status tree of a load balancer (alias of …/status)', envelope('statuses', { type: 'object' })),
    [`${prefix}/loadbalancers/{id}/stats`]: get('Statistics of a load balancer', stats),
    [`${prefix}/listeners/{id}/stats`]: get('Statistics of a listener', stats),
    [`${prefix}/nodes`]: {
      get: {
        summary: 'elbow extension: the elbow nodes sharing the store (zone, applied revision, last heartbeat, health, VRRP state, load balancers placed)',
        responses: { '200': { description: 'The nodes', ...json(envelope('nodes', { type: 'array', items: { type: 'object' } })) }, ...CLIENT_ERRORS },
      },
    },
    [`${prefix}/nodes/{name}`]: {
      parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
      get: { summary: 'One elbow node', responses: { '200': { description: 'The node', ...json(envelope('node', { type: 'object' })) }, ...CLIENT_ERRORS } },
      delete: { summary: 'Forget a node that is down (NODE_NOT_DOWN while it heartbeats)', responses: { '204': { description: 'Forgotten' }, ...CLIENT_ERRORS } },
    },
    [`${prefix}/loadbalancers/{id}/stream`]: {
      parameters: id,
      get: {
        summary: 'Live status, stats and member state changes of a load balancer (Server-Sent Events: status, stats, member, gone)',
        parameters: [{ name: 'interval', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 60, default: 1 }, description: 'Seconds between ticks' }],
        responses: { '200': { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...CLIENT_ERRORS },
      },
    },
  };
}

function servicePaths(): JsonObject {
  const open = { security: [] };
  return {
    '/': { get: { ...open, summary: 'API versions (client discovery)', responses: { '200': { description: 'Versions', ...json({ type: 'object' }) } } } },
    '/healthz': {
      get: {
        ...open,
        summary: "This node's health: ok, degraded (serving, e.g. with the store unreachable) or failing (its data plane does not answer)",
        responses: { '200': { description: 'ok or degraded', ...json({ type: 'object' }) }, '503': { description: 'failing: give up its VIPs', ...json({ type: 'object' }) } },
      },
    },
    '/metrics': {
      get: { ...open, summary: 'Prometheus metrics', responses: { '200': { description: 'Exposition text', content: { 'text/plain': { schema: { type: 'string' } } } } } },
    },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1', ...json({ type: 'object' }) } } } },
  };
}
