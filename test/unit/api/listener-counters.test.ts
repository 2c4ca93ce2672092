// The live stream's numbers: counters read from elbow's metrics text, rates over an interval,
// and latency percentiles from histogram buckets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listenerSample, quantileMs, readListenerCounters } from '../../../src/api/live/listener-counters.js';

const metrics = (requests2xx: number, requests5xx: number, bucketCounts: number[], bytesIn: number) => `
# HELP elbow_listener_bytes_in_total Bytes received from clients
# TYPE elbow_listener_bytes_in_total counter
elbow_listener_bytes_in_total{listener="L1",loadbalancer="LB"} ${bytesIn}
elbow_listener_bytes_in_total{listener="other",loadbalancer="LB"} 999999
elbow_listener_bytes_out_total{listener="L1",loadbalancer="LB"} 2000
elbow_listener_connections_active{listener="L1",loadbalancer="LB"} 3
elbow_listener_connections_total{listener="L1",loadbalancer="LB"} 10
elbow_listener_request_errors_total{listener="L1",loadbalancer="LB"} 0
elbow_listener_http_responses_total{listener="L1",code="200"} ${requests2xx}
elbow_listener_http_responses_total{listener="L1",code="204"} 0
elbow_listener_http_responses_total{code="503",listener="L1"} ${requests5xx}
elbow_listener_http_request_duration_seconds_bucket{le="0.001",listener="L1"} ${bucketCounts[0]}
elbow_listener_http_request_duration_seconds_bucket{le="0.01",listener="L1"} ${bucketCounts[1]}
elbow_listener_http_request_duration_seconds_bucket{le="0.1",listener="L1"} ${bucketCounts[2]}
elbow_listener_http_request_duration_seconds_bucket{le="+Inf",listener="L1"} ${bucketCounts[3]}
elbow_listener_http_request_duration_seconds_sum{listener="L1"} 1
`;

test('reads one listener\'s counters from the metrics text, label order aside, and ignores other listeners', () => {
  const counters = readListenerCounters(metrics(40, 2, [10, 30, 42, 42], 1000), new Set(['L1', 'absent']));
  const l1 = counters.get('L1');
  assert.ok(l1);
  assert.equal(l1.bytes_in, 1000);
  assert.equal(l1.active_connections, 3);
  assert.deepEqual(l1.responses, { '1xx': 0, '2xx': 40, '3xx': 0, '4xx': 0, '5xx': 2 });
  assert.deepEqual(l1.latency_buckets, [[0.001, 10], [0.01, 30], [0.1, 42], [Infinity, 42]]);
  assert.deepEqual(counters.get('absent')?.responses, { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });
  assert.equal(counters.has('other'), false);
});

test('rates are per second over the interval; the first tick has none', () => {
  const before = readListenerCounters(metrics(40, 2, [10, 30, 42, 42], 1000), new Set(['L1'])).get('L1');
  const now = readListenerCounters(metrics(60, 4, [10, 50, 64, 64], 3000), new Set(['L1'])).get('L1');
  assert.ok(before && now);
  assert.equal(listenerSample(now, undefined, 0).requests_per_s, null);
  const sample = listenerSample(now, before, 2);
  assert.deepEqual(sample.requests_per_s, { '1xx': 0, '2xx': 10, '3xx': 0, '4xx': 0, '5xx': 1 });
  assert.equal(sample.bytes_in_per_s, 1000);
  assert.equal(sample.active_connections, 3);
  // 22 requests in the interval: 20 in (1 ms, 10 ms], 2 in (10 ms, 100 ms].
  assert.equal(sample.latency_ms.p50, 1 + 9 * (11 / 20));
  assert.ok(sample.latency_ms.p99 !== null && sample.latency_ms.p99 > 10 && sample.latency_ms.p99 <= 100);
});

test('a counter that went down restarted from zero; no requests means no latency', () => {
  const before = readListenerCounters(metrics(500, 0, [5, 5, 5, 5], 9000), new Set(['L1'])).get('L1');
  const now = readListenerCounters(metrics(3, 0, [5, 5, 5, 5], 100), new Set(['L1'])).get('L1');
  assert.ok(before && now);
  const sample = listenerSample(now, before, 1);
  assert.equal(sample.requests_per_s?.['2xx'], 3);
  assert.equal(sample.bytes_in_per_s, 100);
  assert.deepEqual(sample.latency_ms, { p50: null, p99: null });
});

test('percentiles interpolate within a bucket; the +Inf bucket answers its lower bound', () => {
  assert.equal(quantileMs([[0.01, 100], [Infinity, 100]], 0.5), 5);
  assert.equal(quantileMs([[0.01, 0], [Infinity, 10]], 0.99), 10);
  assert.equal(quantileMs([[0.01, 0], [Infinity, 0]], 0.5), null);
});
