// What both engines report about the traffic they carry, in the same shapes and names: listener
// stats in stats(), the Prometheus series, and one access log line per request in elbow's
// JSON-lines format.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { startBackend } from '../helpers/l7-harness.js';
import { eventually, freePort, makeListener, makeMember, makePool, makeSnapshot, startEchoServer } from '../unit/dataplane/support.js';
import { curl, echoRoundTrip } from './clients.js';
import { applyServing, forEachEngine } from './engines.js';

forEachEngine('Stats, metrics and access logs', (engine) => {
  it('listener stats and Prometheus series count the connections and bytes carried', async (t) => {
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const hx = await engine.start(t);
    const port = await freePort();
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'tcp', port, defaultPoolId: 'p' })], [makePool({ id: 'p', members: [makeMember({ id: 'e', port: echo.port })] })]));
    for (let i = 0; i < 5; i++) assert.equal(await echoRoundTrip(port, 'x'.repeat(1000)), 'x'.repeat(1000));
    await eventually('five connections counted, closed', async () => {
      const stats = (await hx.stats()).listeners.tcp;
      return stats?.total_connections === 5 && stats.active_connections === 0;
    });
    const stats = (await hx.stats()).listeners.tcp;
    assert.deepEqual([stats?.bytes_in, stats?.bytes_out, stats?.request_errors], [5000, 5000, 0]);
    const metrics = await hx.metrics();
    assert.match(metrics, /^elbow_listener_connections_total\{listener="tcp",loadbalancer="lb-1"\} 5$/m);
    assert.match(metrics, /^elbow_listener_bytes_in_total\{listener="tcp",loadbalancer="lb-1"\} 5000$/m);
    assert.match(metrics, /^elbow_listener_bytes_out_total\{listener="tcp",loadbalancer="lb-1"\} 5000$/m);
    assert.match(metrics, /^elbow_member_up\{member="e",pool="p"\} 1$/m);
  });

  it('access log: one JSON line per request with the same fields', async (t) => {
    const member = await startBackend(t, 'web');
    const dir = mkdtempSync(join(tmpdir(), 'elbow-behaviour-log-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const hx = await engine.start(t, { accessLogDir: dir });
    const port = await freePort();
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'web', protocol: 'HTTP', port, defaultPoolId: 'p', accessLog: true })],
      [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    assert.equal((await curl(['--data', 'abc', `http://127.0.0.1:${port}/logged?x=1`])).body, 'web');
    let entry: Record<string, unknown> = {};
    await eventually('the access log line is written', () => {
      try {
        entry = JSON.parse(readFileSync(join(dir, 'web.log'), 'utf8').split('\n')[0] ?? '') as Record<string, unknown>;
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(Object.keys(entry).sort(), ['bytes_in', 'bytes_out', 'client', 'duration_ms', 'listener_id', 'member', 'method', 'path', 'status', 'time', 'upstream_ms']);
    assert.deepEqual([entry.listener_id, entry.method, entry.path, entry.status, entry.member], ['web', 'POST', '/logged?x=1', 200, `127.0.0.1:${member.port}`]);
    assert.match(String(entry.client), /^127\.0\.0\.1:\d+$/);
    assert.match(String(entry.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Number(entry.bytes_in) > 3 && Number(entry.bytes_out) > 3);
  });
});
