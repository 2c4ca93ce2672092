// Octavia's status tree and statistics: GET loadbalancers/{id}/status (and /statuses, Octavia's
// alias kept from neutron-lbaas), loadbalancers/{id}/stats, listeners/{id}/stats. The control plane answers with the whole body ({"statuses": …}, {"stats": …}).
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';

export function registerStatusRoutes(app: FastifyInstance, control: ControlPlane): void {
  app.get<{ Params: { id: string } }>('/loadbalancers/:id/status', (request) => control.statusTree(request.params.id));
  app.get<{ Params: { id: string } }>('/loadbalancers/:id/statuses', (request) => control.statusTree(request.params.id));
  app.get<{ Params: { id: string } }>('/loadbalancers/:id/stats', (request) => control.stats('loadbalancer', request.params.id));
  app.get<{ Params: { id: string } }>('/listeners/:id/stats', (request) => control.stats('listener', request.params.id));
}
