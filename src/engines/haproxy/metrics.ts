// Prometheus text for the HAProxy engine under the Node engine's series names
// (dataplane/observe/metrics.ts), so dashboards and alerts do not care which engine serves.
// HAProxy counts responses by class only: the `code` label is "2xx", "5xx", …; it keeps no
// latency histogram, so elbow_listener_http_request_duration_seconds is not exported
// (docs/engines.md).

import type { ListenerStats } from '../../snapshot/snapshot.js';

export interface MetricsInput {
  /** Listener id → its load balancer id. */
  readonly loadBalancerOf: ReadonlyMap<string, string>;
  readonly listeners: ReadonlyMap<string, ListenerStats>;
  readonly responses: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Member id → pool id, taking new connections or not. */
  readonly members: ReadonlyMap<string, { readonly poolId: string; readonly up: boolean }>;
  readonly memberConnections: ReadonlyMap<string, number>;
  readonly reloads: number;
  readonly failedReloads: number;
  readonly workers: number;
}

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function family(name: string, type: 'counter' | 'gauge', help: string, samples: readonly string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

export function metricsText(input: MetricsInput): string {
  const listenerSamples = (name: string, field: keyof ListenerStats): string[] =>
    [...input.listeners].map(([id, stats]) => `${name}{listener="${escape(id)}",loadbalancer="${escape(input.loadBalancerOf.get(id) ?? '')}"} ${stats[field]}`);
  const lines = [
    ...family('elbow_listener_bytes_in_total', 'counter', 'Bytes received from clients', listenerSamples('elbow_listener_bytes_in_total', 'bytes_in')),
    ...family('elbow_listener_bytes_out_total', 'counter', 'Bytes sent to clients', listenerSamples('elbow_listener_bytes_out_total', 'bytes_out')),
    ...family('elbow_listener_connections_active', 'gauge', 'Open client connections (UDP: flows)', listenerSamples('elbow_listener_connections_active', 'active_connections')),
    ...family('elbow_listener_connections_total', 'counter', 'Client connections accepted (UDP: flows)', listenerSamples('elbow_listener_connections_total', 'total_connections')),
    ...family('elbow_listener_request_errors_total', 'counter', 'Connections or requests refused or failed', listenerSamples('elbow_listener_request_errors_total', 'request_errors')),
    ...family(
      'elbow_listener_http_responses_total',
      'counter',
      'HTTP responses by status code (HAProxy engine: by class, e.g. 2xx)',
      [...input.responses].flatMap(([id, classes]) => [...classes].map(([code, count]) => `elbow_listener_http_responses_total{listener="${escape(id)}",code="${code}"} ${count}`)),
    ),
    ...family(
      'elbow_member_up',
      'gauge',
      '1 when the member takes new connections (healthy or unmonitored, enabled, weight > 0)',
      [...input.members].map(([id, member]) => `elbow_member_up{member="${escape(id)}",pool="${escape(member.poolId)}"} ${member.up ? 1 : 0}`),
    ),
    ...family(
      'elbow_member_connections_active',
      'gauge',
      'Connections (UDP: flows, HTTP: requests in flight) open to the member',
      [...input.members].map(([id, member]) => `elbow_member_connections_active{member="${escape(id)}",pool="${escape(member.poolId)}"} ${input.memberConnections.get(id) ?? 0}`),
    ),
    ...family('elbow_haproxy_reloads_total', 'counter', 'HAProxy reloads elbow asked for, by outcome', [`elbow_haproxy_reloads_total{outcome="ok"} ${input.reloads}`, `elbow_haproxy_reloads_total{outcome="failed"} ${input.failedReloads}`]),
    ...family('elbow_haproxy_workers', 'gauge', 'HAProxy worker processes alive (old ones drain after a reload)', [`elbow_haproxy_workers ${input.workers}`]),
  ];
  return `${lines.join('\n')}\n`;
}
