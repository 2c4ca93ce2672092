// A node-http-proxy based balancer (bench/servers/node-http-proxy.ts): what issue 5 asks elbow to
// beat by 2x on HTTP keep-alive. HTTP and HTTPS only; the other front ends show n/a with why.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, withFileLimit } from '../processes.js';
import type { Endpoint, Frontend, ProxyPlan, Target } from '../scenario.js';
import { HOST, freePort, waitForPort } from '../system.js';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'servers', 'node-http-proxy.ts');
const NOT_HTTP = 'node-http-proxy balances HTTP only';

export async function startNodeHttpProxy(plan: ProxyPlan): Promise<Target> {
  const ports = { http: await freePort(), https: await freePort() };
  const [command, args] = withFileLimit(plan.fileLimit, process.execPath, [
    '--import', 'tsx', SERVER,
    '--http-port', String(ports.http),
    '--https-port', String(ports.https),
    '--cert', plan.tls.certFile,
    '--key', plan.tls.keyFile,
    '--backend', `${HOST}:${plan.backends.http}`,
    '--workers', String(plan.cores),
  ]);
  const child = startProcess('node-http-proxy', command, args);
  try {
    const alive = (): boolean => child.process.exitCode === null;
    await waitForPort(ports.http, 15_000, alive);
    await waitForPort(ports.https, 15_000, alive);
  } catch (err) {
    await child.stop();
    throw new Error(`node-http-proxy did not start: ${(err as Error).message}\n${child.output()}`, { cause: err });
  }
  const endpoints: Record<Frontend, Endpoint> = {
    http: { port: ports.http },
    https: { port: ports.https },
    tcpBulk: { unavailable: NOT_HTTP },
    tcpEcho: { unavailable: NOT_HTTP },
    udp: { unavailable: NOT_HTTP },
    tcpIdle: { unavailable: NOT_HTTP },
  };
  return { name: 'node-http-proxy', endpoints, pid: child.pid, stop: () => child.stop() };
}
