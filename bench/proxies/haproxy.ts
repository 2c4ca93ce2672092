// HAProxy with one front end per scenario; nbthread = the cores given to every proxy.
// HTTP mode keeps connections alive on both sides and shares idle server connections between
// client connections (http-reuse always, as nginx's upstream keepalive pool does).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startProcess, withFileLimit } from '../processes.js';
import type { Endpoint, Frontend, ProxyPlan, Target } from '../scenario.js';
import { HOST, freePort, waitForPort } from '../system.js';

export async function startHaproxy(plan: ProxyPlan): Promise<Target> {
  const { backends, tls } = plan;
  const ports = {
    http: await freePort(),
    https: await freePort(),
    tcpBulk: await freePort(),
    tcpEcho: await freePort(),
    tcpIdle: await freePort(),
  };
  const tcp = (name: string, port: number, backendPort: number): string =>
    `listen ${name}\n  mode tcp\n  bind ${HOST}:${port}\n  server s1 ${HOST}:${backendPort}\n`;
  const config = `global
  nbthread ${plan.cores}
  maxconn ${plan.maxConnections}
  tune.ssl.default-dh-param 2048

defaults
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  maxconn ${plan.maxConnections}

frontend http
  mode http
  bind ${HOST}:${ports.http}
  default_backend http_backend

frontend https
  mode http
  bind ${HOST}:${ports.https} ssl crt ${tls.pemFile} alpn h2,http/1.1
  default_backend http_backend

backend http_backend
  mode http
  http-reuse always
  server s1 ${HOST}:${backends.http}

${tcp('tcp_bulk', ports.tcpBulk, backends.tcpBulk)}
${tcp('tcp_echo', ports.tcpEcho, backends.tcpEcho)}
${tcp('tcp_idle', ports.tcpIdle, backends.tcpIdle)}`;
  const file = path.join(plan.dir, 'haproxy.cfg');
  writeFileSync(file, config);
  // -db: foreground, no master process; the PID is the one process doing the work.
  const [command, args] = withFileLimit(plan.fileLimit, 'haproxy', ['-db', '-f', file]);
  const child = startProcess('haproxy', command, args);
  try {
    await waitForPort(ports.http, 10_000, () => child.process.exitCode === null);
  } catch (err) {
    await child.stop();
    throw new Error(`haproxy did not start: ${(err as Error).message}\n${child.output()}`, { cause: err });
  }
  const endpoints: Record<Frontend, Endpoint> = {
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, { port }])),
    udp: { unavailable: 'HAProxy has no UDP' },
  } as Record<Frontend, Endpoint>;
  return { name: 'haproxy', endpoints, pid: child.pid, stop: () => child.stop() };
}
