// Per-listener counters behind ListenerStatsRecorder: plain numbers bumped on the hot path and
// read when stats or Prometheus metrics are asked for (never a metric update per chunk).

import type { ListenerStatsRecorder } from '../listener-runtime.js';
import type { ListenerStats } from '../../snapshot/snapshot.js';

export class ListenerStatsCounter implements ListenerStatsRecorder {
  readonly stats: ListenerStats = { bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: 0, request_errors: 0 };
  /** HTTP status code → responses (L7 listeners). */
  readonly responses = new Map<number, number>();

  constructor(
    /** The listener's load balancer (labels its metrics); updated on re-apply. */
    public loadBalancerId: string,
    private readonly onResponse: (statusCode: number, durationMs: number) => void = () => undefined,
  ) {}

  connectionOpened(): void {
    this.stats.active_connections++;
    this.stats.total_connections++;
  }

  connectionClosed(): void {
    if (this.stats.active_connections > 0) this.stats.active_connections--;
  }

  bytesIn(count: number): void {
    this.stats.bytes_in += count;
  }

  bytesOut(count: number): void {
    this.stats.bytes_out += count;
  }

  requestError(): void {
    this.stats.request_errors++;
  }

  httpResponse(statusCode: number, durationMs: number): void {
    this.responses.set(statusCode, (this.responses.get(statusCode) ?? 0) + 1);
    this.onResponse(statusCode, durationMs);
  }
}
