// Pure merging of what workers report: apply reports, counters, Prometheus text; restart backoff.
// (Member health across workers is the prober's: cluster-runtime.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeApplyReports, mergeStats, retiredStats } from '../../../../src/dataplane/cluster/aggregate.js';
import { mergePrometheusText } from '../../../../src/util/prometheus-merge.js';
import { nextRestart } from '../../../../src/dataplane/cluster/restart-backoff.js';
import type { DataPlaneStats, ListenerStats } from '../../../../src/snapshot/snapshot.js';

const stats = (n: number, active = n): ListenerStats => ({ bytes_in: n, bytes_out: 2 * n, active_connections: active, total_connections: 3 * n, request_errors: n % 2 });

test('apply reports merge their listener errors under the applied revision', () => {
  const merged = mergeApplyReports(7, [
    { revision: 7, listenerErrors: { a: 'EADDRINUSE' } },
    { revision: 7, listenerErrors: { a: 'EADDRINUSE', b: 'EACCES' } },
  ]);
  assert.deepEqual(merged, { revision: 7, listenerErrors: { a: 'EADDRINUSE', b: 'EACCES' } });
});

test('stats sum the counters, take the oldest revision, and add retired counters of live listeners', () => {
  const w0: DataPlaneStats = { revision: 5, listeners: { a: stats(1) } };
  const w1: DataPlaneStats = { revision: 4, listeners: { a: stats(2), b: stats(4) } };
  const merged = mergeStats([w1, w0], { a: retiredStats(stats(10)), gone: stats(1) });
  assert.equal(merged.revision, 4);
  assert.deepEqual(merged.listeners.a, { bytes_in: 13, bytes_out: 26, active_connections: 3, total_connections: 39, request_errors: 1 });
  assert.deepEqual(merged.listeners.b, stats(4));
  assert.equal(merged.listeners.gone, undefined);
  assert.deepEqual(mergeStats([]), { revision: 0, listeners: {} });
});

test('Prometheus expositions sum by series, keep one header, and take health families from the first', () => {
  const worker = (connections: number, up: number, bucket: number): string => [
    '# HELP elbow_listener_connections_total Connections.',
    '# TYPE elbow_listener_connections_total counter',
    `elbow_listener_connections_total{listener="a b}"} ${connections}`,
    '# HELP elbow_member_up Member health.',
    '# TYPE elbow_member_up gauge',
    `elbow_member_up{member="m1"} ${up}`,
    '# TYPE elbow_http_duration_seconds histogram',
    `elbow_http_duration_seconds_bucket{le="0.1"} ${bucket}`,
    `elbow_http_duration_seconds_bucket{le="+Inf"} ${bucket + 1}`,
    `elbow_http_duration_seconds_count ${bucket + 1}`,
    '',
  ].join('\n');
  const merged = mergePrometheusText([worker(3, 1, 2), worker(4, 0, 5)], { notSummed: (family) => family === 'elbow_member_up' });
  assert.equal(merged, [
    '# HELP elbow_listener_connections_total Connections.',
    '# TYPE elbow_listener_connections_total counter',
    'elbow_listener_connections_total{listener="a b}"} 7',
    '# HELP elbow_member_up Member health.',
    '# TYPE elbow_member_up gauge',
    'elbow_member_up{member="m1"} 1',
    '# TYPE elbow_http_duration_seconds histogram',
    'elbow_http_duration_seconds_bucket{le="0.1"} 7',
    'elbow_http_duration_seconds_bucket{le="+Inf"} 9',
    'elbow_http_duration_seconds_count 9',
    '',
  ].join('\n'));
  assert.equal(mergePrometheusText([]), '');
});

test('restarts back off exponentially up to a bound, and a stable run is forgiven', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1_000, stableAfterMs: 30_000 };
  let crashes = 0;
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    const next = nextRestart(policy, crashes, 10);
    delays.push(next.delayMs);
    crashes = next.crashes;
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000]);
  assert.deepEqual(nextRestart(policy, crashes, 60_000), { delayMs: 100, crashes: 1 });
});
