// Octavia's amphora API and failover, as elbow means them (control/amphorae.ts): under
// /v2/octavia (and /v2.0/octavia) the amphorae, one per elbow node serving a load balancer, their
// statistics, their failover and configuration refresh; under /v2/lbaas a load balancer's failover.
// Failovers answer 202 with no body, as Octavia's, once the nodes have applied the configuration.
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import { paginationLinks, requestedFields, selectFields, type Query } from '../query.js';

/** Both prefixes of Octavia's own (non-lbaas) API. */
export const OCTAVIA_PREFIXES = ['/v2/octavia', '/v2.0/octavia'] as const;

export function registerAmphoraRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.get('/amphorae', async (request) => {
    const query = request.query as Query;
    const views = await control.listAmphorae({ query });
    const fields = requestedFields(query);
    const baseUrl = `${request.protocol}://${request.host}${request.url.split('?')[0] ?? ''}`;
    return { amphorae: views.map((view) => selectFields(view, fields)), amphorae_links: paginationLinks(baseUrl, query, views) };
  });
  app.get<{ Params: { id: string } }>('/amphorae/:id', async (request) => ({
    amphora: selectFields(await control.showAmphora(request.params.id), requestedFields(request.query as Query)),
  }));
  app.get<{ Params: { id: string } }>('/amphorae/:id/stats', (request) => control.amphoraStats(request.params.id));
  // An amphora's failover, and its configuration refresh: the node applies the load balancer afresh.
  for (const action of ['failover', 'config']) {
    app.put<{ Params: { id: string } }>(`/amphorae/:id/${action}`, async (request, reply) => {
      await control.failover('amphora', request.params.id);
      return reply.code(202).send();
    });
  }
}

export function registerLoadBalancerFailover(app: FastifyInstance, control: ControlPlane): void {
  app.put<{ Params: { id: string } }>('/loadbalancers/:id/failover', async (request, reply) => {
    await control.failover('loadbalancer', request.params.id);
    return reply.code(202).send();
  });
}
