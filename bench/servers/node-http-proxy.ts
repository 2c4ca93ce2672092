// Child program: a load balancer built on node-http-proxy (the npm package http-proxy), written
// the way people write one: createProxyServer with a keep-alive agent and X-Forwarded-* headers
// behind http.createServer (and https.createServer for TLS termination), round-robin over the
// backends, 502 when a backend fails. One process; with --workers N > 1, node:cluster forks N.
//
//   node --import tsx node-http-proxy.ts --http-port P [--https-port Q --cert F --key F]
//        --backend host:port [--backend host:port …] [--workers N]
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { parseArgs } from 'node:util';
import httpProxy from 'http-proxy';

const HOST = '127.0.0.1';
/** Per backend, like nginx's `keepalive 128` pool in the nginx target. */
const MAX_SOCKETS_PER_BACKEND = 128;

const { values } = parseArgs({
  options: {
    'http-port': { type: 'string' },
    'https-port': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    backend: { type: 'string', multiple: true },
    workers: { type: 'string', default: '1' },
  },
});

const backends = (values.backend ?? []).map((address) => `http://${address}`);
const workers = Number(values.workers);
if (!values['http-port'] || backends.length === 0 || !Number.isInteger(workers) || workers < 1) {
  console.error('usage: node-http-proxy.ts --http-port P [--https-port Q --cert F --key F] --backend host:port… [--workers N]');
  process.exit(2);
}

function serve(): void {
  const proxy = httpProxy.createProxyServer({
    agent: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_BACKEND }),
    xfwd: true,
  });
  // A failed backend (refused, reset, timed out) answers 502 rather than ending the process.
  proxy.on('error', (_err, _req, res) => {
    if (res instanceof http.ServerResponse) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    } else {
      res.destroy();
    }
  });
  let next = 0;
  const handler: http.RequestListener = (req, res) => {
    const target = backends[next % backends.length] as string;
    next += 1;
    proxy.web(req, res, { target });
  };
  const listen = (server: http.Server | https.Server, port: string): void => {
    server.on('clientError', (_err, socket) => socket.destroy());
    server.listen({ host: HOST, port: Number(port), backlog: 4096 });
  };
  listen(http.createServer(handler), values['http-port'] as string);
  if (values['https-port'] && values.cert && values.key) {
    const tls = { cert: readFileSync(values.cert), key: readFileSync(values.key) };
    listen(https.createServer(tls, handler), values['https-port']);
  }
}

if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i += 1) cluster.fork();
} else {
  serve();
}
