// The split of `--engine haproxy`: UDP listeners (and their pools) to the Node data plane, the
// rest to HAProxy; reports, counters and metrics merged back into one. (Member statuses and
// listener errors: each half reports into its own part of one runtime view, runtime-view.test.ts.)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutSnapshot, isUdp, mergeMetrics, mergeReports, mergeStats, SplitApplier, type ClosableApplier } from '../../../src/engines/split-applier.js';
import type { ApplyReport, DataPlaneStats, Snapshot } from '../../../src/snapshot/snapshot.js';
import { makeListener, makeMember, makePool, makeSnapshot } from '../dataplane/support.js';

function mixed(): Snapshot {
  const pools = [
    makePool({ id: 'web', protocol: 'HTTP', members: [makeMember({ id: 'w-1', port: 9101 })] }),
    makePool({ id: 'api', protocol: 'HTTP', members: [makeMember({ id: 'a-1', port: 9201 })] }),
    makePool({ id: 'dns', protocol: 'UDP', members: [makeMember({ id: 'd-1', port: 9301 })] }),
  ];
  return makeSnapshot(12, [
    makeListener({
      id: 'http',
      protocol: 'HTTP',
      port: 8080,
      defaultPoolId: 'web',
      policies: [{ id: 'p', position: 1, action: 'REDIRECT_TO_POOL', rules: [], redirectPoolId: 'api', redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: null }],
    }),
    makeListener({ id: 'dns', protocol: 'UDP', port: 8080, defaultPoolId: 'dns' }),
    makeListener({ id: 'bare', protocol: 'TCP', port: 8081 }),
  ], pools);
}

test('the UDP cut holds the UDP listeners and only the pools they use', () => {
  const udp = cutSnapshot(mixed(), isUdp);
  assert.equal(udp.revision, 12);
  assert.deepEqual(udp.listeners.map((listener) => listener.id), ['dns']);
  assert.deepEqual(Object.keys(udp.pools), ['dns']);
});

test('the rest holds every other listener and the pools of their defaults and policies', () => {
  const rest = cutSnapshot(mixed(), (listener) => !isUdp(listener));
  assert.deepEqual(rest.listeners.map((listener) => listener.id), ['http', 'bare']);
  assert.deepEqual(Object.keys(rest.pools).sort(), ['api', 'web']);
});

test('reports merge into the older revision and every listener error', () => {
  const merged = mergeReports({ revision: 5, listenerErrors: { dns: 'EADDRINUSE' } }, { revision: 6, listenerErrors: { http: 'cannot bind' } });
  assert.deepEqual(merged, { revision: 5, listenerErrors: { dns: 'EADDRINUSE', http: 'cannot bind' } });
});

test('stats merge the listener counters of both engines under the older revision', () => {
  const stats = { bytes_in: 1, bytes_out: 2, active_connections: 0, total_connections: 3, request_errors: 0 };
  const merged = mergeStats({ revision: 4, listeners: { dns: stats } }, { revision: 5, listeners: { http: stats } });
  assert.equal(merged.revision, 4);
  assert.deepEqual(Object.keys(merged.listeners).sort(), ['dns', 'http']);
});

test('an engine with nothing to report leaves the other\'s records as they are (no copy of thousands of listeners)', () => {
  const stats = { bytes_in: 1, bytes_out: 2, active_connections: 0, total_connections: 3, request_errors: 0 };
  const listeners = { http: stats, bare: stats };
  const merged = mergeStats({ revision: 4, listeners: {} }, { revision: 5, listeners });
  assert.equal(merged.listeners, listeners);
  assert.deepEqual(merged, { revision: 4, listeners });
});

test('metrics merge into one family each, with one HELP even when the engines word it differently', () => {
  const node = ['# HELP elbow_listener_http_responses_total HTTP responses by status code', '# TYPE elbow_listener_http_responses_total counter', 'elbow_listener_http_responses_total{listener="a",code="200"} 3', '# HELP elbow_member_up up', '# TYPE elbow_member_up gauge', 'elbow_member_up{member="d-1",pool="dns"} 1', ''].join('\n');
  const haproxy = ['# HELP elbow_listener_http_responses_total HTTP responses by class', '# TYPE elbow_listener_http_responses_total counter', 'elbow_listener_http_responses_total{listener="b",code="2xx"} 4', '# HELP elbow_member_up up', '# TYPE elbow_member_up gauge', 'elbow_member_up{member="w-1",pool="web"} 0', '# HELP elbow_haproxy_workers w', '# TYPE elbow_haproxy_workers gauge', 'elbow_haproxy_workers 1', ''].join('\n');
  const merged = mergeMetrics(node, haproxy);
  assert.equal(merged.match(/^# HELP elbow_listener_http_responses_total /gm)?.length, 1);
  assert.equal(merged.match(/^# TYPE elbow_member_up /gm)?.length, 1);
  assert.match(merged, /^elbow_listener_http_responses_total\{listener="a",code="200"\} 3$/m);
  assert.match(merged, /^elbow_listener_http_responses_total\{listener="b",code="2xx"\} 4$/m);
  assert.match(merged, /^elbow_member_up\{member="w-1",pool="web"\} 0$/m);
  assert.match(merged, /^elbow_haproxy_workers 1$/m);
});

/** An engine that records what it was given and answers with fixed state. */
function recorder(stats: DataPlaneStats, listenerErrors: Record<string, string>, metrics: string): ClosableApplier & { applied: Snapshot[]; closedWith: (number | undefined)[] } {
  const applied: Snapshot[] = [];
  const closedWith: (number | undefined)[] = [];
  return {
    applied,
    closedWith,
    apply: async (snapshot): Promise<ApplyReport> => {
      applied.push(snapshot);
      return { revision: snapshot.revision, listenerErrors };
    },
    stats: async () => stats,
    metrics: async () => metrics,
    close: async (drainMs) => {
      closedWith.push(drainMs);
    },
  };
}

test('SplitApplier hands each engine its half and answers for both', async () => {
  const counters = (total: number) => ({ bytes_in: 0, bytes_out: 0, active_connections: 0, total_connections: total, request_errors: 0 });
  const udp = recorder({ revision: 12, listeners: { dns: counters(1) } }, {}, 'a_total 1\n');
  const rest = recorder({ revision: 11, listeners: { http: counters(2) } }, { bare: 'address in use' }, 'b_total 2\n');
  const split = new SplitApplier(udp, rest);
  assert.deepEqual(await split.apply(mixed()), { revision: 12, listenerErrors: { bare: 'address in use' } });
  assert.deepEqual(udp.applied[0]?.listeners.map((listener) => listener.id), ['dns']);
  assert.deepEqual(rest.applied[0]?.listeners.map((listener) => listener.id), ['http', 'bare']);
  assert.deepEqual(await split.stats(), { revision: 11, listeners: { dns: counters(1), http: counters(2) } });
  assert.equal(await split.metrics(), 'a_total 1\nb_total 2\n');
  await split.close(3000);
  assert.deepEqual([udp.closedWith, rest.closedWith], [[3000], [3000]]);
});
