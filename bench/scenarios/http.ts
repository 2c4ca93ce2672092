// Scenarios 1–3: HTTP and HTTPS through each target, measured with wrk (50 connections, 2 threads),
// full TLS handshakes with bench/load/tls-handshakes.ts (wrk resumes TLS sessions on reconnect),
// and HTTP/2 over TLS with h2load (50 connections × 10 streams, 2 threads).
// TLS terminates at the proxy; the backend always speaks plain HTTP (direct: nginx's own TLS).
import { connectionRate } from '../node-load.js';
import { HAPROXY_LATENCY, HAPROXY_SPEED } from '../scenario.js';
import type { MetricDef, RoundScenario, Versus } from '../scenario.js';
import { runH2load } from '../h2load.js';
import { HOST } from '../system.js';
import { runWrk } from '../wrk.js';

const CONNECTIONS = 50;
const THREADS = 2;
/** Handshakes in flight for the full-handshake client (one Node process, about one core). */
const HANDSHAKE_CONCURRENCY = 32;
/** HTTP/2 streams in flight per connection (h2load -m). */
const H2_STREAMS = 10;

const requestsPerSecond = (goal?: number, versus?: Versus, haproxyEngine?: MetricDef['haproxyEngine']): MetricDef => ({
  id: 'rps',
  label: 'requests/s',
  unit: 'req/s',
  better: 'higher',
  ratioTo: 'haproxy',
  ...(goal === undefined ? {} : { goal: { on: 'ratio', op: '>=', value: goal } }),
  ...(versus === undefined ? {} : { versus: [versus] }),
  ...(haproxyEngine === undefined ? {} : { haproxyEngine }),
});

export const httpKeepAlive: RoundScenario = {
  kind: 'round',
  name: 'http-keepalive',
  title: 'HTTP keep-alive, small responses',
  frontend: 'http',
  metrics: [
    // Issue 5: ≥ 1.0x HAProxy, and ≥ 2x a node-http-proxy based balancer. Issue 9: the haproxy engine ≥ 0.95x HAProxy.
    requestsPerSecond(1.0, { ratioTo: 'node-http-proxy', goal: { on: 'ratio', op: '>=', value: 2.0 } }, HAPROXY_SPEED),
    { id: 'p50', label: 'latency p50', unit: 'ms', better: 'lower', ratioTo: 'haproxy' },
    { id: 'p99', label: 'latency p99', unit: 'ms', better: 'lower', ratioTo: 'haproxy', goal: { on: 'ratio', op: '<=', value: 1.5 }, haproxyEngine: HAPROXY_LATENCY },
  ],
  async measure(port, { options }) {
    const result = await runWrk({ url: `http://${HOST}:${port}/`, durationSeconds: options.duration, connections: CONNECTIONS, threads: THREADS });
    return { rps: result.requestsPerSecond, p50: result.latencyMs[50] ?? Number.NaN, p99: result.latencyMs[99] ?? Number.NaN };
  },
};

export const httpNewConnection: RoundScenario = {
  kind: 'round',
  name: 'http-new-connection',
  title: 'HTTP, a new connection per request',
  frontend: 'http',
  metrics: [requestsPerSecond(0.8, undefined, HAPROXY_SPEED)],
  async measure(port, { options }) {
    const result = await runWrk({ url: `http://${HOST}:${port}/`, durationSeconds: options.duration, connections: CONNECTIONS, threads: THREADS, close: true });
    return { rps: result.requestsPerSecond };
  },
};

export const httpsKeepAlive: RoundScenario = {
  kind: 'round',
  name: 'https-keepalive',
  title: 'HTTPS keep-alive (TLS termination)',
  frontend: 'https',
  metrics: [requestsPerSecond()],
  async measure(port, { options }) {
    const result = await runWrk({ url: `https://${HOST}:${port}/`, durationSeconds: options.duration, connections: CONNECTIONS, threads: THREADS });
    return { rps: result.requestsPerSecond };
  },
};

// wrk keeps each connection's TLS session and offers it again on reconnect (SSL_clear keeps the
// session): with TLS 1.2 nearly every handshake here is a resumption, without the RSA signature.
export const httpsNewConnection: RoundScenario = {
  kind: 'round',
  name: 'https-handshakes',
  title: 'HTTPS, a new TLS connection per request (wrk resumes the session when the server allows)',
  frontend: 'https',
  metrics: [{ id: 'hps', label: 'handshakes/s', unit: '/s', better: 'higher', ratioTo: 'haproxy', goal: { on: 'ratio', op: '>=', value: 0.8 }, haproxyEngine: HAPROXY_SPEED }],
  async measure(port, { options }) {
    const result = await runWrk({ url: `https://${HOST}:${port}/`, durationSeconds: options.duration, connections: CONNECTIONS, threads: THREADS, close: true });
    return { hps: result.requestsPerSecond };
  },
};

export const httpsFullHandshakes: RoundScenario = {
  kind: 'round',
  name: 'https-full-handshakes',
  title: 'HTTPS, a full TLS handshake per request (no session resumption)',
  frontend: 'https',
  metrics: [{ id: 'hps', label: 'full handshakes/s', unit: '/s', better: 'higher', ratioTo: 'haproxy', goal: { on: 'ratio', op: '>=', value: 0.8 }, haproxyEngine: HAPROXY_SPEED }],
  async measure(port, { options }) {
    return { hps: await connectionRate('tls-handshakes.ts', { port, duration: options.duration, concurrency: HANDSHAKE_CONCURRENCY }, 0.01, 'handshakes') };
  },
};

export const h2: RoundScenario = {
  kind: 'round',
  name: 'h2',
  title: `HTTP/2 over TLS, ${CONNECTIONS} connections × ${H2_STREAMS} streams (h2load)`,
  frontend: 'https',
  metrics: [requestsPerSecond()],
  async measure(port, { options }) {
    const result = await runH2load({ url: `https://${HOST}:${port}/`, durationSeconds: options.duration, clients: CONNECTIONS, streams: H2_STREAMS, threads: THREADS });
    return { rps: result.requestsPerSecond };
  },
};
