// nginx as a proxy: http{} for HTTP/HTTPS with upstream keep-alive (how nginx is deployed for
// speed: HTTP/1.1 to the backend, idle connections kept), stream{} for TCP and UDP.
import type { Endpoint, Frontend, ProxyPlan, Target } from '../scenario.js';
import { HOST, freePort, waitForPort } from '../system.js';
import { nginxHttpPreamble, nginxPreamble, startNginx } from '../backends.js';

export async function startNginxProxy(plan: ProxyPlan): Promise<Target> {
  const { backends, tls, dir } = plan;
  const ports: Record<Frontend, number> = {
    http: await freePort(),
    https: await freePort(),
    tcpBulk: await freePort(),
    tcpEcho: await freePort(),
    udp: await freePort(),
    tcpIdle: await freePort(),
  };
  const location = `location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }`;
  const config = `${nginxPreamble(dir, plan.cores, plan.fileLimit)}http {
${nginxHttpPreamble(dir)}  upstream backend { server ${HOST}:${backends.http}; keepalive 128; keepalive_requests 1000000; }
  server { listen ${HOST}:${ports.http} backlog=4096; ${location} }
  server { listen ${HOST}:${ports.https} ssl http2 backlog=4096; ssl_certificate ${tls.certFile}; ssl_certificate_key ${tls.keyFile}; ${location} }
}
stream {
  server { listen ${HOST}:${ports.tcpBulk}; proxy_pass ${HOST}:${backends.tcpBulk}; }
  server { listen ${HOST}:${ports.tcpEcho} backlog=4096; proxy_pass ${HOST}:${backends.tcpEcho}; }
  server { listen ${HOST}:${ports.udp} udp; proxy_pass ${HOST}:${backends.udp}; proxy_timeout 20s; }
  server { listen ${HOST}:${ports.tcpIdle} backlog=4096; proxy_pass ${HOST}:${backends.tcpIdle}; proxy_timeout 10m; }
}
`;
  const child = startNginx('nginx proxy', dir, config, plan.fileLimit);
  try {
    await waitForPort(ports.http, 10_000, () => child.process.exitCode === null);
  } catch (err) {
    await child.stop();
    throw new Error(`nginx did not start: ${(err as Error).message}\n${child.output()}`, { cause: err });
  }
  const endpoints = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, { port }])) as Record<Frontend, Endpoint>;
  return { name: 'nginx', endpoints, pid: child.pid, stop: () => child.stop() };
}
