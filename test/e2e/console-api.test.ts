// What the web console needs from the API server, over real HTTP on 127.0.0.1: the console's
// files at /console with a strict Content-Security-Policy (deep links answer the app, a missing
// asset is a 404, an unbuilt console a 503), and the live stream of one load balancer.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApiServer } from '../../src/api/server.js';
import type { ControlPlane } from '../../src/control/control-plane.js';
import { MemberTimeline } from '../../src/control/member-timeline.js';
import { ElbowError } from '../../src/errors.js';

const TOKEN = 'console-test-token';

/** A control plane with one load balancer whose member status the test sets. */
function oneLoadBalancer() {
  const state = { memberStatus: 'ONLINE', exists: true };
  const control = {
    async statusTree(id: string) {
      if (id !== 'lb1' || !state.exists) throw new ElbowError('NOT_FOUND', { kind: 'loadbalancer', id });
      const member = { id: 'm1', address: '127.0.0.1', protocol_port: 8081, provisioning_status: 'ACTIVE', operating_status: state.memberStatus };
      const pool = { id: 'p1', provisioning_status: 'ACTIVE', operating_status: state.memberStatus, members: [member] };
      return { statuses: { loadbalancer: { id, provisioning_status: 'ACTIVE', operating_status: 'ONLINE', listeners: [{ id: 'l1', pools: [pool] }] } } };
    },
  } as unknown as ControlPlane;
  return { control, state };
}

interface SseEvent {
  event: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever the stream sent
}

/** Reads events from a stream until `enough` says so (bounded by the test's timeout), then aborts. */
async function readStream(url: string, enough: (events: SseEvent[]) => boolean): Promise<{ status: number; headers: Headers; events: SseEvent[] }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { 'x-auth-token': TOKEN }, signal: controller.signal });
  const events: SseEvent[] = [];
  if (!response.ok || response.body === null) return { status: response.status, headers: response.headers, events };
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
      }
      if (enough(events)) break;
    }
  } finally {
    controller.abort();
  }
  return { status: response.status, headers: response.headers, events };
}

describe('web console files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elbow-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  const { control } = oneLoadBalancer();
  const app = createApiServer({ control, token: TOKEN, consoleDir: dir });
  const unbuilt = createApiServer({ control, token: TOKEN, consoleDir: join(dir, 'missing') });
  after(async () => {
    await app.close();
    await unbuilt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the app without a token, under a strict Content-Security-Policy', async () => {
    for (const url of ['/console', '/console/', '/console/listeners/abc', '/console/pools/p/members/m/edit?x=1']) {
      const answer = await app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 200, url);
      assert.match(answer.headers['content-type'] as string, /^text\/html/);
      assert.equal(answer.body, '<!doctype html><title>console</title>');
      const csp = answer.headers['content-security-policy'] as string;
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /connect-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
      assert.equal(answer.headers['x-frame-options'], 'DENY');
      assert.equal(answer.headers['cache-control'], 'no-cache');
    }
  });

  it('serves hashed assets for good and answers 404 for a missing one', async () => {
    const asset = await app.inject({ method: 'GET', url: '/console/assets/app-1234.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(asset.headers['content-type'] as string, /^text\/javascript/);
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    assert.ok(asset.headers['content-security-policy']);
    assert.equal((await app.inject({ method: 'GET', url: '/console/assets/gone.js' })).statusCode, 404);
    const traversal = await app.inject({ method: 'GET', url: '/console/%2e%2e/%2e%2e/package.json' });
    assert.notEqual(traversal.body.includes('"name"'), true);
  });

  it('says how to build the console when it is not built', async () => {
    const answer = await unbuilt.inject({ method: 'GET', url: '/console/' });
    assert.equal(answer.statusCode, 503);
    assert.match(answer.body, /npm run build/);
  });

  it('leaves the API behind its token', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/v2/lbaas/loadbalancers/lb1/stream' })).statusCode, 401);
  });
});

describe('live stream of a load balancer', () => {
  const { control, state } = oneLoadBalancer();
  const timeline = new MemberTimeline();
  let requests2xx = 0;
  const metrics = async () =>
    [
      `elbow_listener_connections_active{listener="l1",loadbalancer="lb1"} 2`,
      `elbow_listener_http_responses_total{listener="l1",code="200"} ${(requests2xx += 5)}`,
      `elbow_listener_http_request_duration_seconds_bucket{le="0.01",listener="l1"} ${requests2xx}`,
      `elbow_listener_http_request_duration_seconds_bucket{le="+Inf",listener="l1"} ${requests2xx}`,
    ].join('\n');
  const app = createApiServer({ control, token: TOKEN, metrics, timeline, consoleDir: false });
  let base = '';
  before(async () => {
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(() => app.close());

  it('sends the status tree, recent member changes, then stats every tick with rates', async () => {
    timeline.record({ memberId: 'm1', from: null, to: 'ONLINE' });
    timeline.record({ memberId: 'elsewhere', from: null, to: 'ONLINE' });
    const { status, headers, events } = await readStream(`${base}/v2/lbaas/loadbalancers/lb1/stream`, (e) => e.filter((x) => x.event === 'stats').length >= 2);
    assert.equal(status, 200);
    assert.match(headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(events[0]?.event, 'status');
    assert.equal(events[0]?.data.statuses.loadbalancer.id, 'lb1');
    const members = events.filter((e) => e.event === 'member');
    assert.deepEqual(members.map((e) => [e.data.member_id, e.data.from, e.data.to]), [['m1', null, 'ONLINE']]);
    const stats = events.filter((e) => e.event === 'stats');
    assert.equal(stats[0]?.data.listeners.l1.requests_per_s, null);
    const second = stats[1]?.data.listeners.l1;
    assert.equal(second.active_connections, 2);
    assert.ok(second.requests_per_s['2xx'] > 0, JSON.stringify(second));
    assert.ok(second.latency_ms.p50 > 0 && second.latency_ms.p50 <= 10);
  });

  it('sends a member change and the new tree when a member goes down', async () => {
    let downed = false;
    const { events } = await readStream(`${base}/v2/lbaas/loadbalancers/lb1/stream`, (e) => {
      if (!downed && e.length > 0) {
        downed = true;
        state.memberStatus = 'ERROR';
        timeline.record({ memberId: 'm1', from: 'ONLINE', to: 'ERROR' });
      }
      return e.some((x) => x.event === 'member' && x.data.to === 'ERROR') && e.filter((x) => x.event === 'status').length >= 2;
    });
    const trees = events.filter((e) => e.event === 'status');
    assert.equal(trees.at(-1)?.data.statuses.loadbalancer.listeners[0].pools[0].members[0].operating_status, 'ERROR');
    state.memberStatus = 'ONLINE';
  });

  it('ends with `gone` when the load balancer is deleted', async () => {
    const { events } = await readStream(`${base}/v2/lbaas/loadbalancers/lb1/stream`, (e) => {
      state.exists = false;
      return e.some((x) => x.event === 'gone');
    });
    assert.equal(events.at(-1)?.event, 'gone');
    state.exists = true;
  });

  it('answers 404 for an unknown load balancer and 400 for a bad interval, as JSON', async () => {
    const unknown = await fetch(`${base}/v2.0/lbaas/loadbalancers/nope/stream`, { headers: { 'x-auth-token': TOKEN } });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { code: string }).code, 'NOT_FOUND');
    const bad = await fetch(`${base}/v2/lbaas/loadbalancers/lb1/stream?interval=0`, { headers: { 'x-auth-token': TOKEN } });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'INVALID_QUERY');
  });
});

describe('closing the server', () => {
  it('ends open streams instead of waiting for them', async () => {
    const { control } = oneLoadBalancer();
    const app = createApiServer({ control, token: TOKEN, consoleDir: false });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${base}/v2/lbaas/loadbalancers/lb1/stream`, { headers: { 'x-auth-token': TOKEN } });
    assert.equal(response.status, 200);
    const reading = response.text();
    await app.close();
    assert.match(await reading, /event: status/);
  });
});
