// The backends every target forwards to, the same for all of them: nginx for HTTP(S) (so the
// backend is fast and not what is measured), iperf3 for bulk TCP, and Node echo/holder servers.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, startProcess, withFileLimit } from './processes.js';
import type { Child } from './processes.js';
import type { BackendPorts, TlsFiles } from './scenario.js';
import { HOST, freePort, waitForPort } from './system.js';
import { NGINX_STREAM_MODULE } from './tools.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const READY_TIMEOUT_MS = 10_000;

export interface Backends {
  ports: BackendPorts;
  heldConnections(): Promise<number>;
  stop(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1/localhost, made fresh for the run. */
export async function makeTlsFiles(dir: string): Promise<TlsFiles> {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const result = await runProcess('openssl', 'openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], 30_000);
  if (result.code !== 0) throw new Error(`openssl could not make a certificate: ${result.output}`);
  const pemFile = path.join(dir, 'cert+key.pem');
  writeFileSync(pemFile, readFileSync(certFile, 'utf8') + readFileSync(keyFile, 'utf8'));
  return { certFile, keyFile, pemFile };
}

/** nginx's own settings shared by the backend and the nginx proxy: foreground, files in dir. */
export function nginxPreamble(dir: string, workers: number, fileLimit: number): string {
  return `load_module ${NGINX_STREAM_MODULE};
daemon off;
worker_processes ${workers};
worker_rlimit_nofile ${fileLimit};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections ${fileLimit}; multi_accept on; }
`;
}

/** Temp paths nginx would otherwise create under /var/lib/nginx. */
export function nginxHttpPreamble(dir: string): string {
  return `  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000; keepalive_timeout 120s;
`;
}

export function startNginx(name: string, dir: string, config: string, fileLimit: number): Child {
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, config);
  const [command, args] = withFileLimit(fileLimit, 'nginx', ['-p', dir, '-c', file, '-e', path.join(dir, 'error.log')]);
  return startProcess(name, command, args);
}

async function startHttpBackend(dir: string, tls: TlsFiles, fileLimit: number): Promise<{ child: Child; http: number; https: number }> {
  const http = await freePort();
  const https = await freePort();
  const location = `location / { default_type text/plain; return 200 "ok"; }`;
  const config = `${nginxPreamble(dir, 1, fileLimit)}http {
${nginxHttpPreamble(dir)}  server { listen ${HOST}:${http} backlog=4096; ${location} }
  server { listen ${HOST}:${https} ssl http2 backlog=4096; ssl_certificate ${tls.certFile}; ssl_certificate_key ${tls.keyFile}; ${location} }
}
`;
  const child = startNginx('nginx backend', dir, config, fileLimit);
  const alive = (): boolean => child.process.exitCode === null;
  await waitForPort(http, READY_TIMEOUT_MS, alive).catch((err: Error) => {
    throw new Error(`nginx backend: ${err.message}\n${child.output()}`);
  });
  await waitForPort(https, READY_TIMEOUT_MS, alive);
  return { child, http, https };
}

async function startIperf(): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = startProcess('iperf3 server', 'iperf3', ['-s', '-B', HOST, '-p', String(port)]);
  await waitForPort(port, READY_TIMEOUT_MS, () => child.process.exitCode === null);
  return { child, port };
}

interface NodeBackendsMessage {
  type: string;
  ports?: { tcpEcho: number; tcpIdle: number; udp: number };
  held?: number;
}

async function startNodeBackends(fileLimit: number): Promise<{ child: Child; ports: NonNullable<NodeBackendsMessage['ports']> }> {
  const [command, args] = withFileLimit(fileLimit, process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'servers', 'node-backends.ts')]);
  const child = startProcess('node backends', command, args, { ipc: true });
  const ports = await new Promise<NodeBackendsMessage['ports']>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node backends did not start: ${child.output()}`)), READY_TIMEOUT_MS);
    child.process.on('message', (message: NodeBackendsMessage) => {
      if (message.type === 'ports') {
        clearTimeout(timer);
        resolve(message.ports);
      }
    });
  });
  if (!ports) throw new Error('node backends reported no ports');
  return { child, ports };
}

export async function startBackends(dir: string, tls: TlsFiles, fileLimit: number): Promise<Backends> {
  const children: Child[] = [];
  try {
    const http = await startHttpBackend(dir, tls, fileLimit);
    children.push(http.child);
    const iperf = await startIperf();
    children.push(iperf.child);
    const node = await startNodeBackends(fileLimit);
    children.push(node.child);
    return {
      ports: { http: http.http, https: http.https, tcpBulk: iperf.port, ...node.ports },
      heldConnections: () =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('node backends did not answer')), 5000);
          const onMessage = (message: NodeBackendsMessage): void => {
            if (message.type !== 'held') return;
            clearTimeout(timer);
            node.child.process.off('message', onMessage);
            resolve(message.held ?? 0);
          };
          node.child.process.on('message', onMessage);
          node.child.process.send({ type: 'held' });
        }),
      stop: async () => {
        await Promise.all(children.map((child) => child.stop()));
      },
    };
  } catch (err) {
    await Promise.all(children.map((child) => child.stop()));
    throw err;
  }
}
