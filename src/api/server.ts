// The Octavia v2–compatible REST API (design.md §3): token auth, the resource routes under both
// /v2/lbaas and /v2.0/lbaas, status and stats, service routes, and one error shape for everything.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ControlPlane } from '../control/control-plane.js';
import type { MemberTimeline } from '../control/member-timeline.js';
import type { NodeList } from '../control/node-list.js';
import { ElbowError } from '../errors.js';
import { presentedToken, tokenChecker } from './auth.js';
import { BODY_LIMIT_BYTES, toElbowError } from './error-mapping.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { API_PREFIXES, RESOURCE_ROUTES } from './resources.js';
import { registerConsoleRoutes } from './routes/console-routes.js';
import { registerLiveStream } from './routes/live-stream.js';
import { OCTAVIA_PREFIXES, registerAmphoraRoutes, registerLoadBalancerFailover } from './routes/amphorae.js';
import { registerMemberBatch } from './routes/member-batch.js';
import { registerIdentityLookups } from './routes/identity-lookups.js';
import { registerNetworkLookups } from './routes/network-lookups.js';
import { registerNodeRoutes } from './routes/node-routes.js';
import { registerProviderAndQuotaRoutes } from './routes/providers-and-quotas.js';
import { registerResourceRoutes } from './routes/resource-crud.js';
import { registerServiceRoutes } from './routes/service-routes.js';
import { registerStatusRoutes } from './routes/status-and-stats.js';

export interface ApiServerOptions {
  control: ControlPlane;
  /** The one API token (design.md §3). */
  token: string;
  /** Prometheus exposition text served at /metrics. */
  metrics?: () => Promise<string>;
  /** elbow's version, shown in /openapi.json. */
  version?: string;
  /** Member state changes for the live stream; none are sent without it. */
  timeline?: MemberTimeline;
  /** The built web console served at /console (default dist/console); false: no console. */
  consoleDir?: string | false;
  /** A pino-compatible logger; silent when omitted. */
  logger?: FastifyBaseLogger;
  /** The elbow nodes sharing the store (GET /v2/lbaas/nodes); no route without it. */
  nodeList?: NodeList;
  /** The node's health for /healthz (503 when failing); `{"status": "ok"}` without it. */
  health?: () => Promise<{ readonly status: string }>;
  /** Which engine carries this node's data plane (`elbow serve --engine`), shown in GET /. */
  engine?: Readonly<Record<string, unknown>>;
}

export function createApiServer(options: ApiServerOptions): FastifyInstance {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : {}),
    // One access-log line per response from the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Ids are at most 255 characters (model/schemas.ts); a longer path segment matches nothing.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Errors found while routing (bad URL encoding, a too long id) get the same JSON as all others.
    frameworkErrors: (err, request, reply) => sendError(err, request, reply),
  });

  acceptOnlyJson(app);
  const methodsByRoute = recordRoutes(app);
  const isValidToken = tokenChecker(options.token);

  app.addHook('onRequest', async (request) => {
    if (isPublic(request)) return;
    if (!isValidToken(presentedToken(request.headers))) throw new ElbowError('UNAUTHORIZED');
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler(sendError);

  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split('?')[0] ?? '/').replace(/(.)\/$/, '$1');
    const allowed = [...methodsByRoute].find(([pattern]) => pattern.test(path))?.[1];
    const error = allowed
      ? new ElbowError('METHOD_NOT_ALLOWED', { method: request.method, path })
      : new ElbowError('ROUTE_NOT_FOUND', { method: request.method, path });
    if (allowed) void reply.header('allow', [...allowed].join(', '));
    return reply.code(error.status).send(error.toJSON());
  });

  registerServiceRoutes(app, options.metrics, options.version ?? 'dev', options.health, options.engine);
  registerNetworkLookups(app);
  registerIdentityLookups(app);
  if (options.consoleDir !== false) registerConsoleRoutes(app, options.consoleDir);
  for (const prefix of API_PREFIXES) {
    void app.register(
      async (api) => {
        registerResourceRoutes(api, options.control, RESOURCE_ROUTES);
        registerMemberBatch(api, options.control);
        registerProviderAndQuotaRoutes(api, options.control);
        registerLoadBalancerFailover(api, options.control);
        registerStatusRoutes(api, options.control);
        if (options.nodeList !== undefined) registerNodeRoutes(api, options.nodeList);
        registerLiveStream(api, { control: options.control, metrics: options.metrics, timeline: options.timeline });
      },
      { prefix },
    );
  }
  for (const prefix of OCTAVIA_PREFIXES) void app.register(async (octavia) => registerAmphoraRoutes(octavia, options.control), { prefix });
  return app;
}

/** Answers with the error JSON; anything unexpected is logged and becomes a 500 INTERNAL. */
function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let known = toElbowError(err, request);
  if (known === null) {
    request.log.error({ err, method: request.method, url: request.url }, 'unexpected error while handling a request');
    known = new ElbowError('INTERNAL', { detail: `see the server log for request ${request.id}` });
  }
  if (known.code === 'BODY_TOO_LARGE') lingerOverBody(request, reply);
  return reply.code(known.status).send(known.toJSON());
}

/** Bodies up to this size are read and discarded after a 413 rather than cut off. */
const LINGER_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * A client still sending an oversized body would get a TCP reset from a closed socket and could
 * lose the 413 before reading it (nginx's lingering close solves the same problem). Up to a bound,
 * the rest of the body is read and discarded and the connection kept, so the answer arrives.
 */
function lingerOverBody(request: FastifyRequest, reply: FastifyReply): void {
  const declared = Number(request.headers['content-length']);
  if (!Number.isFinite(declared) || declared > LINGER_LIMIT_BYTES) return;
  void reply.removeHeader('connection');
  request.raw.resume();
}

function isPublic(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { public?: boolean } | undefined)?.public === true;
}

/**
 * JSON is the only request body type (anything else is a 415). An empty body is no body, so a
 * DELETE that carries `Content-Type: application/json` and nothing else is fine.
 */
function acceptOnlyJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (nestsDeeperThan(text)) {
      done(new ElbowError('INVALID_JSON', { detail: `objects and arrays nested more than ${MAX_JSON_DEPTH} levels deep` }), undefined);
      return;
    }
    // fastify's default parser answers through `done`; what it returns is nothing to wait for.
    void parseJson(request, text, done);
  });
}

/** Route pattern → its methods, to answer 405 (not 404) for a known path with another method. */
function recordRoutes(app: FastifyInstance): Map<RegExp, Set<string>> {
  const byUrl = new Map<string, Set<string>>();
  const byPattern = new Map<RegExp, Set<string>>();
  app.addHook('onRoute', (route) => {
    let methods = byUrl.get(route.url);
    if (methods === undefined) {
      methods = new Set();
      byUrl.set(route.url, methods);
      const source = route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+');
      byPattern.set(new RegExp(`^${source.replace(/(.)\/$/, '$1')}$`), methods);
    }
    for (const method of [route.method].flat()) methods.add(method);
  });
  return byPattern;
}
