// The openstack CLI resolves `--vip-subnet-id`, `--vip-network-id`, `--vip-port-id`,
// `--vip-qos-policy-id` and a member's `--subnet-id` through Neutron (GET /v2.0/subnets?name=…,
// then ?id=…) at the same endpoint. elbow has no networks: these ids are opaque labels, so every
// lookup finds exactly the one object it asked for, and the CLI passes the id through unchanged.
import type { FastifyInstance } from 'fastify';
import type { Query } from '../query.js';

const COLLECTIONS = { subnets: '/v2.0/subnets', networks: '/v2.0/networks', ports: '/v2.0/ports', policies: '/v2.0/qos/policies' } as const;

export function registerNetworkLookups(app: FastifyInstance): void {
  for (const [plural, path] of Object.entries(COLLECTIONS)) {
    app.get(path, (request) => {
      const query = request.query as Query;
      const wanted = [query.id, query.name].flat().find((value) => value !== undefined && value !== '');
      return { [plural]: wanted === undefined ? [] : [{ id: wanted, name: wanted }] };
    });
  }
}
