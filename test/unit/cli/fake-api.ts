// An in-memory stand-in for elbow's Octavia-style API, as a fetch function: enough CRUD, filters,
// envelopes, errors and the status tree for the CLI's unit tests to run commands in-process.
import { randomUUID } from 'node:crypto';
import type { CliIo } from '../../../src/cli/cli-io.js';

type Obj = Record<string, unknown> & { id: string };

interface Collection {
  singular: string;
  parentKey?: 'pool_id' | 'l7policy_id';
  defaults: Record<string, unknown>;
}

const COLLECTIONS: Record<string, Collection> = {
  loadbalancers: { singular: 'loadbalancer', defaults: { description: '', admin_state_up: true, type: 'standard', vip_address: '127.0.1.1', tags: [] } },
  listeners: { singular: 'listener', defaults: { default_pool_id: null, connection_limit: -1, admin_state_up: true, ipgroup: null, sni_container_refs: [] } },
  pools: { singular: 'pool', defaults: { lb_algorithm: 'ROUND_ROBIN', session_persistence: null, admin_state_up: true } },
  members: { singular: 'member', parentKey: 'pool_id', defaults: { weight: 1, backup: false, admin_state_up: true, name: '' } },
  healthmonitors: { singular: 'healthmonitor', defaults: { max_retries_down: 3, admin_state_up: true, url_path: null } },
  l7policies: { singular: 'l7policy', defaults: { position: 1, redirect_pool_id: null, admin_state_up: true } },
  rules: { singular: 'rule', parentKey: 'l7policy_id', defaults: { key: null, invert: false, admin_state_up: true } },
  certificates: { singular: 'certificate', defaults: { type: 'server', description: '' } },
  ipgroups: { singular: 'ipgroup', defaults: { description: '' } },
};

export interface FakeApi {
  readonly fetch: CliIo['fetch'];
  /** Every request as `METHOD /path?query`. */
  readonly requests: string[];
  readonly data: Map<string, Obj[]>;
  /** Inserts directly, as if created earlier; returns the resource. */
  seed(plural: string, resource: Record<string, unknown>): Obj;
}

export function createFakeApi(token = 'secret'): FakeApi {
  const data = new Map<string, Obj[]>(Object.keys(COLLECTIONS).map((k) => [k, []]));
  const requests: string[] = [];
  const all = (plural: string): Obj[] => data.get(plural) ?? [];

  const seed = (plural: string, resource: Record<string, unknown>): Obj => {
    const c = COLLECTIONS[plural];
    if (c === undefined) throw new Error(plural);
    const created = { ...c.defaults, ...resource, id: randomUUID(), provisioning_status: 'ACTIVE', operating_status: 'ONLINE' } as Obj;
    if (plural === 'certificates') delete created.private_key;
    all(plural).push(created);
    return created;
  };

  const reply = (status: number, body?: unknown): Response =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fault = (status: number, code: string, faultstring: string): Response => reply(status, { faultcode: 'Client', faultstring, code });

  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url.pathname}${url.search}`);
    const headers = (init?.headers ?? {}) as Record<string, string>;
    if (headers['x-auth-token'] !== token) return fault(401, 'UNAUTHORIZED', 'Authentication required');
    const parts = url.pathname.replace(/^\/v2\/lbaas\//, '').split('/');
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, Obj>) : undefined;

    if (parts[0] === 'loadbalancers' && parts[2] === 'status') {
      const lb = all('loadbalancers').find((r) => r.id === parts[1]);
      if (lb === undefined) return fault(404, 'NOT_FOUND', `loadbalancer ${parts[1]} not found`);
      return reply(200, { statuses: { loadbalancer: statusOf(lb) } });
    }
    // [collection] [id] or [parentCollection] [parentId] [collection] [id]
    const nested = parts.length >= 3;
    const plural = nested ? parts[2] ?? '' : parts[0] ?? '';
    const id = nested ? parts[3] : parts[1];
    const c = COLLECTIONS[plural];
    if (c === undefined) return fault(404, 'ROUTE_NOT_FOUND', `No such resource: ${method} ${url.pathname}`);
    const scope = nested ? all(plural).filter((r) => c.parentKey !== undefined && r[c.parentKey] === parts[1]) : all(plural);
    if (id === undefined) {
      if (method === 'GET') {
        const filters = [...url.searchParams].filter(([k]) => k !== 'limit' && k !== 'marker');
        return reply(200, { [plural]: scope.filter((r) => filters.every(([k, v]) => String(r[k]) === v)), [`${plural}_links`]: [] });
      }
      const fields = body?.[c.singular];
      if (fields === undefined) return fault(400, 'INVALID_BODY', `expected {"${c.singular}": {...}}`);
      if (plural === 'listeners' && all('listeners').some((l) => l.loadbalancer_id === fields.loadbalancer_id && l.protocol_port === fields.protocol_port)) {
        return fault(409, 'LISTENER_PORT_CONFLICT', `Another listener on this load balancer already uses TCP port ${String(fields.protocol_port)}`);
      }
      const parent = nested && c.parentKey !== undefined ? { [c.parentKey]: parts[1] } : {};
      return reply(201, { [c.singular]: seed(plural, { ...fields, ...parent }) });
    }
    const found = scope.find((r) => r.id === id);
    if (found === undefined) return fault(404, 'NOT_FOUND', `${c.singular} ${id} not found`);
    if (method === 'GET') return reply(200, { [c.singular]: found });
    if (method === 'PUT') {
      const { private_key: _key, ...changes }: Record<string, unknown> = body?.[c.singular] ?? {};
      Object.assign(found, changes);
      return reply(200, { [c.singular]: found });
    }
    if (method === 'DELETE') {
      data.set(plural, all(plural).filter((r) => r !== found));
      if (url.searchParams.get('cascade') === 'true') {
        for (const p of ['listeners', 'pools']) data.set(p, all(p).filter((r) => r.loadbalancer_id !== id));
      }
      return reply(204);
    }
    return fault(405, 'METHOD_NOT_ALLOWED', method);
  };

  const statusOf = (lb: Obj): Record<string, unknown> => {
    const st = (r: Obj): Record<string, unknown> => ({ id: r.id, name: r.name, provisioning_status: r.provisioning_status, operating_status: r.operating_status });
    const pool = (p: Obj) => ({ ...st(p), members: all('members').filter((m) => m.pool_id === p.id).map((m) => ({ ...st(m), address: m.address, protocol_port: m.protocol_port })) });
    return {
      ...st(lb),
      listeners: all('listeners')
        .filter((l) => l.loadbalancer_id === lb.id)
        .map((l) => ({ ...st(l), pools: all('pools').filter((p) => p.id === l.default_pool_id).map(pool) })),
    };
  };

  return { fetch: fetchImpl as CliIo['fetch'], requests, data, seed };
}
