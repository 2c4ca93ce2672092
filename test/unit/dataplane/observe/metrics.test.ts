import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPlaneMetrics } from '../../../../src/dataplane/observe/metrics.js';
import { ListenerStatsCounter } from '../../../../src/dataplane/observe/listener-stats.js';
import { MemberState } from '../../../../src/dataplane/health/member-state.js';
import { makeMember } from '../support.js';

test('listener and member series, HTTP responses and latency, from live counters', async () => {
  const listeners = new Map<string, ListenerStatsCounter>();
  const member = new MemberState('m1', makeMember({ id: 'm1', port: 80 }), 'p1');
  const metrics = new DataPlaneMetrics({ listeners: () => listeners.entries(), members: () => [member][Symbol.iterator]() });
  const counter = new ListenerStatsCounter('lb1', (_code, ms) => metrics.observeResponse('l1', ms));
  listeners.set('l1', counter);
  counter.connectionOpened();
  counter.bytesIn(100);
  counter.bytesOut(250);
  counter.requestError();
  counter.httpResponse(200, 12);
  counter.httpResponse(503, 3000);
  member.acquire();
  const text = await metrics.text();
  for (const line of [
    'elbow_listener_bytes_in_total{listener="l1",loadbalancer="lb1"} 100',
    'elbow_listener_bytes_out_total{listener="l1",loadbalancer="lb1"} 250',
    'elbow_listener_connections_active{listener="l1",loadbalancer="lb1"} 1',
    'elbow_listener_connections_total{listener="l1",loadbalancer="lb1"} 1',
    'elbow_listener_request_errors_total{listener="l1",loadbalancer="lb1"} 1',
    'elbow_listener_http_responses_total{listener="l1",code="200"} 1',
    'elbow_listener_http_responses_total{listener="l1",code="503"} 1',
    'elbow_listener_http_request_duration_seconds_count{listener="l1"} 2',
    'elbow_member_up{member="m1",pool="p1"} 1',
    'elbow_member_connections_active{member="m1",pool="p1"} 1',
  ]) {
    assert.ok(text.includes(line), `missing: ${line}`);
  }
  // A second scrape reports the same totals (collected, not accumulated).
  assert.ok((await metrics.text()).includes('elbow_listener_bytes_in_total{listener="l1",loadbalancer="lb1"} 100'));
});
