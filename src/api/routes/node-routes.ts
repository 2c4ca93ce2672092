// elbow extension: the elbow nodes sharing the store (docs/operations.md). GET /nodes lists them
// with their availability zone, applied revision, last heartbeat, health and the load balancers
// placed on each; DELETE /nodes/{name} forgets a node that is down for good.
import type { FastifyInstance } from 'fastify';
import type { NodeList } from '../../control/node-list.js';

export function registerNodeRoutes(app: FastifyInstance, nodes: NodeList): void {
  app.get('/nodes', async () => ({ nodes: await nodes.list() }));
  app.get<{ Params: { name: string } }>('/nodes/:name', async (request) => ({ node: await nodes.show(request.params.name) }));
  app.delete<{ Params: { name: string } }>('/nodes/:name', async (request, reply) => {
    await nodes.remove(request.params.name);
    return reply.code(204).send();
  });
}
