// `elbow serve --demo`: two tiny HTTP backends inside the process and, through the control plane,
// a load balancer "demo" with an HTTP listener on port 8080 balancing over them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControlPlane } from '../control/control-plane.js';

export const DEMO_NAME = 'demo';
export const DEMO_PORT = 8080;

export interface Demo {
  /** What to try: `curl http://<vip>:8080/`. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startDemo(control: ControlPlane): Promise<Demo> {
  const backends = await Promise.all([1, 2].map((n) => startBackend(n)));
  try {
    const vip = await ensureDemoLoadBalancer(control, backends.map(portOf));
    return { url: `http://${vip.includes(':') ? `[${vip}]` : vip}:${DEMO_PORT}/`, close: () => closeAll(backends) };
  } catch (err) {
    await closeAll(backends);
    throw err;
  }
}

/** Creates the demo once; on later starts only points its members at this run's backend ports. */
async function ensureDemoLoadBalancer(control: ControlPlane, backendPorts: number[]): Promise<string> {
  const [existing] = await control.list('loadbalancer', { query: { name: DEMO_NAME } });
  const lb = existing ?? (await control.create('loadbalancer', { name: DEMO_NAME, description: 'created by elbow serve --demo', vip_subnet_id: 'local' }));
  const [pool] = await control.list('pool', { query: { name: DEMO_NAME, loadbalancer_id: lb.id } });
  if (pool === undefined) {
    const listener = await control.create('listener', { name: DEMO_NAME, loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: DEMO_PORT });
    const created = await control.create('pool', { name: DEMO_NAME, listener_id: listener.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await addMembers(control, created.id, backendPorts);
    await control.create('healthmonitor', { name: DEMO_NAME, pool_id: created.id, type: 'HTTP', delay: 2, timeout: 1, max_retries: 2, url_path: '/' });
  } else {
    for (const member of await control.list('member', { query: {} }, { pool_id: pool.id })) {
      await control.remove('member', member.id, { pool_id: pool.id });
    }
    await addMembers(control, pool.id, backendPorts);
  }
  return String(lb.vip_address);
}

async function addMembers(control: ControlPlane, poolId: string, ports: number[]): Promise<void> {
  for (const [index, port] of ports.entries()) {
    await control.create('member', { name: `demo-backend-${index + 1}`, address: '127.0.0.1', protocol_port: port }, { pool_id: poolId });
  }
}

function startBackend(n: number): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`hello from demo backend ${n}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}
