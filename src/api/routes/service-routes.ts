// The routes outside /v2/lbaas: the versions document (client discovery), the health endpoint
// Prometheus metrics and the OpenAPI document. All but the OpenAPI document are public (no token).
// /healthz is what keepalived's check and an anycast router's health probe ask: 200 while the
// node serves (status ok or degraded), 503 when it is failing and should give up its VIPs.
import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '../openapi.js';

export const PUBLIC_ROUTE = { public: true } as const;

export function registerServiceRoutes(
  app: FastifyInstance,
  metrics: (() => Promise<string>) | undefined,
  version: string,
  health: () => Promise<{ readonly status: string }> = async () => ({ status: 'ok' }),
  engine?: Readonly<Record<string, unknown>>,
): void {
  // Octavia's root document; both /v2 and /v2.0 serve the same API. `engine` is elbow's own:
  // which engine carries this node's data plane, and which protocols each engine serves.
  app.get('/', { config: PUBLIC_ROUTE }, (request) => {
    const base = `${request.protocol}://${request.host}`;
    return {
      versions: [
        { id: 'v2.0', status: 'CURRENT', updated: '2026-11-01T00:00:00Z', links: [{ href: `${base}/v2`, rel: 'self' }] },
      ],
      ...(engine === undefined ? {} : { engine }),
    };
  });

  app.get('/healthz', { config: PUBLIC_ROUTE }, async (_request, reply) => {
    const report = await health();
    return reply.code(report.status === 'failing' ? 503 : 200).send(report);
  });

  app.get('/metrics', { config: PUBLIC_ROUTE }, async (_request, reply) => {
    const text = metrics ? await metrics() : '';
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });

  const openApi = buildOpenApiDocument(version);
  app.get('/openapi.json', () => openApi);
}
