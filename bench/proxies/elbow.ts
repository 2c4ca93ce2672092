// elbow with one load balancer on 127.0.0.1 and one listener per front end, created through its
// API, with either engine: the Node data plane (`elbow serve`) or HAProxy (`elbow serve --engine
// haproxy`, the same API calls). A front end elbow cannot serve yet (an API error, or a listener
// in ERROR) becomes "unavailable" with the reason, so its column shows n/a instead of stopping the run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startElbow } from '../elbow-api.js';
import type { ElbowApi, ElbowEngine } from '../elbow-api.js';
import type { BackendPorts, Endpoint, Frontend, ProxyPlan, Target } from '../scenario.js';
import { HOST, freePort } from '../system.js';
import { haproxyProblem } from '../tools.js';

interface FrontendSpec {
  listenerProtocol: string;
  poolProtocol: string;
  backendPort: (backends: BackendPorts) => number;
  tls?: boolean;
}

const FRONTENDS: Record<Frontend, FrontendSpec> = {
  http: { listenerProtocol: 'HTTP', poolProtocol: 'HTTP', backendPort: (b) => b.http },
  https: { listenerProtocol: 'TERMINATED_HTTPS', poolProtocol: 'HTTP', backendPort: (b) => b.http, tls: true },
  tcpBulk: { listenerProtocol: 'TCP', poolProtocol: 'TCP', backendPort: (b) => b.tcpBulk },
  tcpEcho: { listenerProtocol: 'TCP', poolProtocol: 'TCP', backendPort: (b) => b.tcpEcho },
  udp: { listenerProtocol: 'UDP', poolProtocol: 'UDP', backendPort: (b) => b.udp },
  tcpIdle: { listenerProtocol: 'TCP', poolProtocol: 'TCP', backendPort: (b) => b.tcpIdle },
};

async function createFrontend(api: ElbowApi, loadbalancerId: string, name: Frontend, plan: ProxyPlan, certificateRef: () => Promise<string>): Promise<Endpoint> {
  const spec = FRONTENDS[name];
  try {
    const pool = await api.create('pool', 'pools', { name, loadbalancer_id: loadbalancerId, protocol: spec.poolProtocol, lb_algorithm: 'ROUND_ROBIN' });
    await api.create('member', `pools/${pool.id}/members`, { address: HOST, protocol_port: spec.backendPort(plan.backends) });
    const port = await freePort();
    const listener = await api.create('listener', 'listeners', {
      name,
      loadbalancer_id: loadbalancerId,
      protocol: spec.listenerProtocol,
      protocol_port: port,
      default_pool_id: pool.id,
      // HTTP/2 offered beside HTTP/1.1, as the other proxies' TLS front ends (the h2 scenario).
      ...(spec.tls ? { default_tls_container_ref: await certificateRef(), alpn_protocols: ['h2', 'http/1.1'] } : {}),
    });
    if (listener.provisioning_status !== 'ACTIVE') {
      const reason = typeof listener.provisioning_status_reason === 'string' ? `: ${listener.provisioning_status_reason}` : '';
      return { unavailable: `${spec.listenerProtocol} listener ${String(listener.provisioning_status)}${reason}`.slice(0, 160) };
    }
    return { port };
  } catch (err) {
    return { unavailable: (err as Error).message.slice(0, 160) };
  }
}

/**
 * In haproxy mode UDP listeners run on the Node data plane, the same code the elbow column
 * measures: the haproxy engine's UDP cell says so instead of measuring it twice.
 */
export const UDP_ON_NODE_ENGINE = 'with --engine haproxy, UDP runs on the Node data plane: the elbow column measures it';

async function startElbowTarget(plan: ProxyPlan, engine: ElbowEngine): Promise<Target> {
  if (engine === 'haproxy') {
    const problem = haproxyProblem();
    if (problem !== null) throw new Error(problem);
  }
  const { child, api } = await startElbow({ dataDir: path.join(plan.dir, 'data'), workers: plan.cores, fileLimit: plan.fileLimit, profileDir: plan.profileDir, engine });
  try {
    const loadbalancer = await api.create('loadbalancer', 'loadbalancers', { name: 'bench', vip_address: HOST });
    let certificateId: Promise<string> | undefined;
    const certificateRef = (): Promise<string> => {
      certificateId ??= api
        .create('certificate', 'certificates', {
          name: 'bench',
          type: 'server',
          certificate: readFileSync(plan.tls.certFile, 'utf8'),
          private_key: readFileSync(plan.tls.keyFile, 'utf8'),
        })
        .then((certificate) => certificate.id);
      return certificateId;
    };
    const endpoints = {} as Record<Frontend, Endpoint>;
    for (const name of Object.keys(FRONTENDS) as Frontend[]) {
      endpoints[name] = engine === 'haproxy' && name === 'udp' ? { unavailable: UDP_ON_NODE_ENGINE } : await createFrontend(api, loadbalancer.id, name, plan, certificateRef);
    }
    // The process tree (elbow, and HAProxy's master and worker with the haproxy engine) is the memory figure.
    return { name: engine === 'haproxy' ? 'elbow-haproxy' : 'elbow', endpoints, pid: child.pid, stop: () => child.stop() };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

export function startElbowProxy(plan: ProxyPlan): Promise<Target> {
  return startElbowTarget(plan, 'node');
}

/** `elbow serve --engine haproxy --workers N`: HAProxy with nbthread N, as the hand-written HAProxy. */
export function startElbowHaproxyProxy(plan: ProxyPlan): Promise<Target> {
  return startElbowTarget(plan, 'haproxy');
}
