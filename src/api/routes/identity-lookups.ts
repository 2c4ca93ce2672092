// The openstack CLI resolves a project named on its command line (`loadbalancer quota set
// <project>`) through Keystone at the same endpoint: GET /projects/{name}, then /projects?name=….
// elbow has no identity service: a project is whatever id a request names (its X-Project-Id, a
// body's project_id), so every lookup finds the one project it asked for, its name being its id.
import type { FastifyInstance } from 'fastify';
import type { Query } from '../query.js';

const project = (id: string) => ({ id, name: id, domain_id: 'default', enabled: true, description: '' });

export function registerIdentityLookups(app: FastifyInstance): void {
  for (const prefix of ['', '/v3']) {
    app.get<{ Params: { id: string } }>(`${prefix}/projects/:id`, (request) => ({ project: project(request.params.id) }));
    app.get(`${prefix}/projects`, (request) => {
      const query = request.query as Query;
      const wanted = [query.id, query.name].flat().find((value) => value !== undefined && value !== '');
      return { projects: wanted === undefined ? [] : [project(wanted)] };
    });
  }
}
