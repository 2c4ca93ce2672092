// Prometheus metrics of one data plane, in its own prom-client Registry (never the global one,
// so two data planes in a process, as in tests, do not collide). Counters and gauges are filled
// at scrape time from the live counters; only the HTTP latency histogram is observed as it goes.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ListenerStatsCounter } from './listener-stats.js';
import type { MemberState } from '../health/member-state.js';

export interface MetricsSource {
  listeners(): Iterable<[string, ListenerStatsCounter]>;
  members(): Iterable<MemberState>;
}

type ListenerField = 'bytes_in' | 'bytes_out' | 'active_connections' | 'total_connections' | 'request_errors';

export class DataPlaneMetrics {
  readonly registry = new Registry();
  private readonly latency: Histogram<'listener'>;

  constructor(source: MetricsSource) {
    const listenerLabels = ['listener', 'loadbalancer'] as const;
    const fromListeners = (field: ListenerField) =>
      function (this: Counter<'listener' | 'loadbalancer'> | Gauge<'listener' | 'loadbalancer'>) {
        this.reset();
        for (const [id, counter] of source.listeners()) {
          const labels = { listener: id, loadbalancer: counter.loadBalancerId };
          if (this instanceof Gauge) this.set(labels, counter.stats[field]);
          else this.inc(labels, counter.stats[field]);
        }
      };
    const registers = [this.registry];
    new Counter({ name: 'elbow_listener_bytes_in_total', help: 'Bytes received from clients', labelNames: listenerLabels, registers, collect: fromListeners('bytes_in') });
    new Counter({ name: 'elbow_listener_bytes_out_total', help: 'Bytes sent to clients', labelNames: listenerLabels, registers, collect: fromListeners('bytes_out') });
    new Gauge({ name: 'elbow_listener_connections_active', help: 'Open client connections (UDP: flows)', labelNames: listenerLabels, registers, collect: fromListeners('active_connections') });
    new Counter({ name: 'elbow_listener_connections_total', help: 'Client connections accepted (UDP: flows)', labelNames: listenerLabels, registers, collect: fromListeners('total_connections') });
    new Counter({ name: 'elbow_listener_request_errors_total', help: 'Connections or requests refused or failed', labelNames: listenerLabels, registers, collect: fromListeners('request_errors') });
    new Counter({
      name: 'elbow_listener_http_responses_total',
      help: 'HTTP responses by status code',
      labelNames: ['listener', 'code'],
      registers,
      collect() {
        this.reset();
        for (const [id, counter] of source.listeners()) {
          for (const [code, count] of counter.responses) this.inc({ listener: id, code: String(code) }, count);
        }
      },
    });
    this.latency = new Histogram({
      name: 'elbow_listener_http_request_duration_seconds',
      help: 'HTTP request duration, from request to response end',
      labelNames: ['listener'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const memberLabels = ['member', 'pool'] as const;
    new Gauge({
      name: 'elbow_member_up',
      help: '1 when the member takes new connections (healthy or unmonitored, enabled, weight > 0)',
      labelNames: memberLabels,
      registers,
      collect() {
        this.reset();
        for (const member of source.members()) this.set({ member: member.id, pool: member.poolId }, member.available ? 1 : 0);
      },
    });
    new Gauge({
      name: 'elbow_member_connections_active',
      help: 'Connections (UDP: flows, HTTP: requests in flight) open to the member',
      labelNames: memberLabels,
      registers,
      collect() {
        this.reset();
        for (const member of source.members()) this.set({ member: member.id, pool: member.poolId }, member.activeConnections);
      },
    });
  }

  observeResponse(listenerId: string, durationMs: number): void {
    this.latency.observe({ listener: listenerId }, durationMs / 1000);
  }

  /** Removes the latency series of a listener that is gone. */
  forgetListener(listenerId: string): void {
    this.latency.remove({ listener: listenerId });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
