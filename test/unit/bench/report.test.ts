import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ratioChart } from '../../../bench/chart.js';
import { parseIperfJson } from '../../../bench/iperf.js';
import { formatTable, goalText, median, ratioText, summarize, tableCells } from '../../../bench/report.js';
import { HAPROXY_LATENCY, HAPROXY_SPEED } from '../../../bench/scenario.js';
import type { Sample, Scenario } from '../../../bench/scenario.js';
import { hotFunctions } from '../../../bench/profile-summary.js';
import { configScale, share, vipAddress } from '../../../bench/scenarios/config-scale.js';
import { rssOfTree } from '../../../bench/system.js';
import { idleConnectionCount, slope } from '../../../bench/scenarios/idle-memory.js';
import { parseWrkOutput, wrkProblem } from '../../../bench/wrk.js';
import { h2loadProblem, parseH2loadOutput } from '../../../bench/h2load.js';

const WRK_REPORT = `Running 5s test @ http://127.0.0.1:40001/
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   541.55us    1.02ms  31.40ms   95.12%
    Req/Sec    46.36k     3.12k   52.01k    71.00%
  Latency Distribution
     50%  421.00us
     75%  612.00us
     90%  844.00us
     99%    2.06ms
  461284 requests in 5.00s, 55.87MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 12
Requests/sec:  92248.74
Transfer/sec:     11.17MB
`;

test('parseWrkOutput reads requests/s, latency percentiles in ms, and errors', () => {
  const result = parseWrkOutput(WRK_REPORT);
  assert.equal(result.requestsPerSecond, 92248.74);
  assert.equal(result.requests, 461284);
  assert.equal(result.latencyMs[50], 0.421);
  assert.equal(result.latencyMs[99], 2.06);
  assert.deepEqual(result.socketErrors, { connect: 0, read: 3, write: 0, timeout: 2 });
  assert.equal(result.non2xx, 12);
  assert.equal(wrkProblem(result), null);
});

test('parseWrkOutput rejects text that is not a wrk report, and wrkProblem flags failures', () => {
  assert.throws(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused'), /not a wrk report/);
  const refused = parseWrkOutput(WRK_REPORT.replace('461284 requests', '0 requests'));
  assert.equal(wrkProblem(refused), 'no request succeeded');
  const failing = parseWrkOutput(WRK_REPORT.replace('connect 0', 'connect 9000'));
  assert.match(wrkProblem(failing) ?? '', /9014 failed requests/);
});

test('parseIperfJson returns received bits/s or throws iperf3’s error', () => {
  assert.equal(parseIperfJson(JSON.stringify({ end: { sum_received: { bits_per_second: 2.5e9 } } })), 2.5e9);
  assert.throws(() => parseIperfJson(JSON.stringify({ error: 'unable to connect to server' })), /unable to connect/);
});

test('median of odd, even and empty lists', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), null);
});

const scenario: Scenario = {
  kind: 'round',
  name: 'http-keepalive',
  title: 'HTTP',
  frontend: 'http',
  metrics: [
    { id: 'rps', label: 'requests/s', unit: 'req/s', better: 'higher', ratioTo: 'haproxy', goal: { on: 'ratio', op: '>=', value: 1 } },
    { id: 'p99', label: 'latency p99', unit: 'ms', better: 'lower', ratioTo: 'haproxy', goal: { on: 'ratio', op: '<=', value: 1.5 } },
  ],
  measure: async () => ({}),
};

function samples(metric: string, values: Record<string, Array<number | string>>, scenarioName = 'http-keepalive'): Sample[] {
  return Object.entries(values).flatMap(([target, list]) =>
    list.map((value) =>
      typeof value === 'number'
        ? { scenario: scenarioName, metric, target: target as Sample['target'], value }
        : { scenario: scenarioName, metric, target: target as Sample['target'], value: null, unavailable: value },
    ),
  );
}

test('summarize takes medians per target, the ratio to the reference proxy, and checks goals', () => {
  const rows = summarize(
    [
      ...samples('rps', { direct: [100, 300, 200], haproxy: [100, 120, 80], nginx: [90], elbow: [110, 'timeout', 90] }),
      ...samples('p99', { haproxy: [2, 2, 2], elbow: [4, 4, 4] }),
    ],
    [scenario],
  );
  assert.equal(rows.length, 2);
  const [rps, p99] = rows;
  assert.deepEqual(rps?.cells.direct, { value: 200 });
  assert.deepEqual(rps?.cells.elbow, { value: 100 });
  assert.equal(rps?.ratio, 1);
  assert.equal(rps?.met, true);
  assert.equal(p99?.ratio, 2);
  assert.equal(p99?.met, false);
  assert.equal(p99?.cells.nginx, null);
});

test('an all-unavailable cell keeps its reason, has no ratio, and becomes a numbered note in the table', () => {
  const rows = summarize(samples('rps', { haproxy: [100], elbow: ['listener ERROR', 'listener ERROR'] }), [scenario]);
  assert.deepEqual(rows[0]?.cells.elbow, { unavailable: 'listener ERROR' });
  assert.equal(rows[0]?.ratio, null);
  assert.equal(rows[0]?.met, null);
  const table = formatTable(rows);
  assert.match(table, /n\/a \[1\]/);
  assert.match(table, /\[1\] listener ERROR/);
});

const withVersus: Scenario = {
  ...scenario,
  metrics: [
    {
      id: 'rps',
      label: 'requests/s',
      unit: 'req/s',
      better: 'higher',
      ratioTo: 'haproxy',
      goal: { on: 'ratio', op: '>=', value: 1 },
      versus: [{ ratioTo: 'node-http-proxy', goal: { on: 'ratio', op: '>=', value: 2 } }],
    },
  ],
};

test('a further comparison becomes its own row: elbow ÷ node-http-proxy with its own goal, the first row unchanged', () => {
  const rows = summarize(samples('rps', { direct: [300], haproxy: [100, 100, 100], nginx: [90], 'node-http-proxy': [40, 50, 60], elbow: [110, 90, 100] }), [withVersus]);
  assert.equal(rows.length, 2);
  const [first, versus] = rows;
  assert.equal(first?.metric.ratioTo, 'haproxy');
  assert.equal(first?.ratio, 1);
  assert.equal(first?.met, true);
  assert.deepEqual(first?.cells['node-http-proxy'], { value: 50 });
  assert.equal(versus?.metric.label, 'requests/s vs node-http-proxy');
  assert.equal(versus?.metric.ratioTo, 'node-http-proxy');
  assert.equal(versus?.ratio, 2);
  assert.equal(versus?.goal, '>= 2.0x');
  assert.equal(versus?.met, true);
  // Only the two figures compared are shown in that row.
  assert.deepEqual(versus?.cells, { direct: null, haproxy: null, nginx: null, 'node-http-proxy': { value: 50 }, elbow: { value: 100 }, 'elbow-haproxy': null });

  const slower = summarize(samples('rps', { haproxy: [100], 'node-http-proxy': [60], elbow: [100] }), [withVersus]);
  assert.equal(slower[0]?.met, true);
  assert.equal(slower[1]?.met, false);

  const { header, lines } = tableCells(rows);
  assert.deepEqual(header, ['scenario', 'metric', 'direct', 'haproxy', 'nginx', 'node-http-proxy', 'elbow', 'elbow (haproxy engine)', 'elbow ratio', 'goal', 'met']);
  assert.deepEqual(lines[1], ['http-keepalive', 'requests/s vs node-http-proxy (req/s)', '-', '-', '-', '50', '100', '-', '2.00x node-http-proxy', '>= 2.0x', 'yes']);
  const chart = ratioChart(rows, 'test');
  assert.match(chart, /http-keepalive: requests\/s vs node-http-proxy</);
  assert.match(chart, /<title>goal 2.0x<\/title>/);
});

test('node-http-proxy shows n/a with its reason where it has no front end, and no ratio is taken to it there', () => {
  const rows = summarize(samples('rps', { haproxy: [100], 'node-http-proxy': ['node-http-proxy balances HTTP only'], elbow: [80] }), [withVersus]);
  assert.equal(rows[0]?.ratio, 0.8);
  assert.equal(rows[1]?.ratio, null);
  assert.equal(rows[1]?.met, null);
  assert.match(formatTable(rows), /\[1\] node-http-proxy balances HTTP only/);
});

const withEngine: Scenario = {
  ...scenario,
  metrics: [
    { id: 'rps', label: 'requests/s', unit: 'req/s', better: 'higher', ratioTo: 'haproxy', goal: { on: 'ratio', op: '>=', value: 1 }, haproxyEngine: HAPROXY_SPEED },
    { id: 'p50', label: 'latency p50', unit: 'ms', better: 'lower', ratioTo: 'haproxy' },
    { id: 'p99', label: 'latency p99', unit: 'ms', better: 'lower', ratioTo: 'haproxy', goal: { on: 'ratio', op: '<=', value: 1.5 }, haproxyEngine: HAPROXY_LATENCY },
  ],
};

test('the haproxy engine gets a row of its own under each figure: its ratio to HAProxy and issue 9’s goal, the Node engine’s row without its cell', () => {
  const rows = summarize(
    [
      ...samples('rps', { haproxy: [100, 100, 100], elbow: [30, 30, 30], 'elbow-haproxy': [97, 96, 98] }),
      ...samples('p50', { haproxy: [1], elbow: [2], 'elbow-haproxy': [1] }),
      ...samples('p99', { haproxy: [2], elbow: [6], 'elbow-haproxy': [2.2] }),
    ],
    [withEngine],
  );
  assert.deepEqual(
    rows.map((row) => [row.metric.label, row.subject]),
    [
      ['requests/s', 'elbow'],
      ['requests/s, haproxy engine', 'elbow-haproxy'],
      ['latency p50', 'elbow'],
      ['latency p50, haproxy engine', 'elbow-haproxy'],
      ['latency p99', 'elbow'],
      ['latency p99, haproxy engine', 'elbow-haproxy'],
    ],
  );
  const [rps, rpsEngine, , p50Engine, p99, p99Engine] = rows;
  assert.equal(rps?.cells['elbow-haproxy'], null);
  assert.equal(rps?.ratio, 0.3);
  assert.equal(rps?.met, false);
  assert.deepEqual(rpsEngine?.cells, { direct: null, haproxy: { value: 100 }, nginx: null, 'node-http-proxy': null, elbow: null, 'elbow-haproxy': { value: 97 } });
  assert.equal(rpsEngine?.ratio, 0.97);
  assert.equal(rpsEngine?.goal, '>= 0.95x');
  assert.equal(rpsEngine?.met, true);
  assert.equal(p50Engine?.goal, '');
  assert.equal(p50Engine?.met, null);
  assert.equal(p99?.met, false);
  assert.equal(p99Engine?.goal, '<= 1.05x');
  assert.equal(p99Engine?.met, false, 'a p99 10% above HAProxy’s misses the goal');

  const { lines } = tableCells(rows);
  assert.deepEqual(lines[1], ['http-keepalive', 'requests/s, haproxy engine (req/s)', '-', '100', '-', '-', '-', '97', '0.97x haproxy', '>= 0.95x', 'yes']);
  assert.match(ratioChart(rows, 'test'), /http-keepalive: requests\/s, haproxy engine</);
});

test('no haproxy engine row without its samples; an n/a cell (UDP on the Node data plane) keeps its reason as a note', () => {
  assert.equal(summarize(samples('rps', { haproxy: [100], elbow: [90] }), [withEngine]).length, 1);
  const rows = summarize(samples('rps', { haproxy: [100], elbow: [90], 'elbow-haproxy': ['UDP runs on the Node data plane'] }), [withEngine]);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[1]?.cells['elbow-haproxy'], { unavailable: 'UDP runs on the Node data plane' });
  assert.equal(rows[1]?.ratio, null);
  assert.equal(rows[1]?.met, null);
  assert.match(formatTable(rows), /\[1\] UDP runs on the Node data plane/);
});

test('config-scale: the haproxy engine’s own goals (listener change < 500 ms, member live < 50 ms) on its figures, HAProxy’s memory in its row only', () => {
  const scale = (metric: string, values: Record<string, number[]>): Sample[] => samples(metric, values, 'config-scale');
  const rows = summarize(
    [
      ...scale('changeMs', { elbow: [40], 'elbow-haproxy': [260] }),
      ...scale('memberLiveMs', { elbow: [3], 'elbow-haproxy': [60] }),
      ...scale('rssMb', { elbow: [150], 'elbow-haproxy': [210] }),
      ...scale('haproxyRssMb', { 'elbow-haproxy': [90] }),
      ...scale('startMs', { 'elbow-haproxy': [2500] }),
    ],
    [configScale],
  );
  const byLabel = new Map(rows.map((row) => [row.metric.label, row]));
  assert.equal(byLabel.get('one listener change at size')?.met, true);
  assert.equal(byLabel.get('one listener change at size, haproxy engine')?.goal, '< 500 ms');
  assert.equal(byLabel.get('one listener change at size, haproxy engine')?.met, true);
  assert.equal(byLabel.get('one member added, serving')?.met, null);
  assert.equal(byLabel.get('one member added, serving, haproxy engine')?.goal, '< 50 ms');
  assert.equal(byLabel.get('one member added, serving, haproxy engine')?.met, false);
  assert.equal(byLabel.get('RSS at size')?.met, true);
  assert.deepEqual(byLabel.get('RSS at size, haproxy engine')?.cells['elbow-haproxy'], { value: 210 });
  assert.equal(byLabel.get('RSS at size, haproxy engine')?.met, null);
  assert.equal(byLabel.has("of which HAProxy's"), false, 'the Node engine has no HAProxy');
  assert.deepEqual(byLabel.get("of which HAProxy's, haproxy engine")?.cells['elbow-haproxy'], { value: 90 });
  assert.equal(byLabel.has('start at size until serving'), false, 'the Node engine is not restarted');
  assert.deepEqual(byLabel.get('start at size until serving, haproxy engine')?.cells['elbow-haproxy'], { value: 2500 });
});

test('ratioText keeps two places only where they matter', () => {
  assert.deepEqual([1, 2, 1.5, 0.95, 1.05, 0.8].map(ratioText), ['1.0', '2.0', '1.5', '0.95', '1.05', '0.8']);
  assert.equal(goalText({ id: 'x', label: 'x', unit: '', better: 'higher', goal: { on: 'ratio', op: '>=', value: 0.95 } }), '>= 0.95x');
});

test('rssOfTree counts only the processes running the command named', () => {
  assert.ok(rssOfTree(process.pid) > 0);
  assert.equal(rssOfTree(process.pid, 'no-such-command'), 0);
});

test('share splits evenly and idleConnectionCount respects the file limit', () => {
  assert.deepEqual(share(10, 4), [3, 3, 2, 2]);
  assert.equal(share(10_000, 2000).reduce((a, b) => a + b, 0), 10_000);
  assert.equal(idleConnectionCount(10_000, 20_000), 9750);
  assert.equal(idleConnectionCount(1000, 20_000), 1000);
  assert.deepEqual([vipAddress(0), vipAddress(253), vipAddress(254), vipAddress(999)], ['127.0.1.1', '127.0.1.254', '127.0.2.1', '127.0.4.238']);
});

test('hotFunctions ranks self time by function and file', () => {
  const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber });
  const hot = hotFunctions(
    {
      nodes: [
        { id: 1, callFrame: frame('(idle)', '', -1), hitCount: 2 },
        { id: 2, callFrame: frame('pipe', 'file:///work/main/src/dataplane/tcp.ts', 9), hitCount: 5 },
        { id: 3, callFrame: frame('pipe', 'file:///work/main/src/dataplane/tcp.ts', 9), hitCount: 1 },
        { id: 4, callFrame: frame('', 'node:net', 0), hitCount: 2 },
      ],
    },
    2,
  );
  assert.deepEqual(hot, [
    { name: 'pipe src/dataplane/tcp.ts:10', share: 0.6 },
    { name: '(idle)', share: 0.2 },
  ]);
});

test('slope fits RSS over connections', () => {
  assert.equal(slope([{ x: 0, y: 100 }, { x: 10, y: 120 }, { x: 20, y: 140 }]), 2);
  assert.ok(Number.isNaN(slope([{ x: 5, y: 1 }])));
});

const H2LOAD_REPORT = `starting benchmark...
spawning thread #0: 25 total client(s). Timing-based test with 0s of warm-up time and 6s of main duration for measurements.
spawning thread #1: 25 total client(s). Timing-based test with 0s of warm-up time and 6s of main duration for measurements.
Application protocol: h2
Main benchmark duration is over for thread #0. Stopping all clients.

finished in 6.00s, 8804.17 req/s, 355.43KB/s
requests: 52825 total, 53325 started, 52825 done, 52820 succeeded, 5 failed, 0 errored, 0 timeout
status codes: 53069 2xx, 0 3xx, 2 4xx, 3 5xx
traffic: 2.08MB (2183780) total, 259.42KB (265643) headers (space savings 93.14%), 257.95KB (264135) data
`;

test('parseH2loadOutput reads requests/s and the failures', () => {
  assert.deepEqual(parseH2loadOutput(H2LOAD_REPORT), { requestsPerSecond: 8804.17, done: 52825, succeeded: 52820, failed: 5, errored: 0, non2xx: 5 });
  assert.equal(h2loadProblem(parseH2loadOutput(H2LOAD_REPORT)), null);
  assert.match(h2loadProblem({ requestsPerSecond: 10, done: 100, succeeded: 90, failed: 10, errored: 0, non2xx: 0 }) ?? '', /10 failed requests of 100/);
  assert.throws(() => parseH2loadOutput('No protocol negotiated'), /not an h2load report/);
});
