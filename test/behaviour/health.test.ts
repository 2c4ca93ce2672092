// Health monitors on both engines: a member killed is marked ERROR and gets no more traffic, and
// comes back ONLINE once it listens again (TCP monitor); a member whose health URL answers an
// unexpected status is taken out and put back as the status changes (HTTP monitor); members
// without a monitor are NO_MONITOR and always used.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startBackend } from '../helpers/l7-harness.js';
import { eventually, exchange, freePort, makeListener, makeMember, makeMonitor, makePool, makeSnapshot, startNameServer } from '../unit/dataplane/support.js';
import { curl } from './clients.js';
import { applyServing, forEachEngine } from './engines.js';

/** Who answers `count` connections in a row (the client keeps its side open until the member answers). */
async function answers(port: number, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push((await exchange(port, '', false)).reply);
  return names;
}

forEachEngine('Health monitors', (engine) => {
  it('TCP monitor: a killed member goes down and gets no traffic; listening again brings it back', async (t) => {
    const a = await startNameServer('a');
    let b = await startNameServer('b');
    t.after(async () => { await a.close(); await b.close(); });
    const hx = await engine.start(t);
    const port = await freePort();
    const monitor = makeMonitor({ type: 'TCP', intervalMs: 100, timeoutMs: 1_000, riseCount: 1, fallCount: 1 });
    const pool = makePool({ id: 'p', healthMonitor: monitor, members: [makeMember({ id: 'a', port: a.port }), makeMember({ id: 'b', port: b.port })] });
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', port, defaultPoolId: 'p' })], [pool]));
    await eventually('both members ONLINE', () => hx.runtime.memberStatus('a') === 'ONLINE' && hx.runtime.memberStatus('b') === 'ONLINE');
    assert.deepEqual([...new Set(await answers(port, 4))].sort(), ['a', 'b']);

    await b.close();
    await eventually('b marked ERROR', () => hx.runtime.memberStatus('b') === 'ERROR');
    assert.equal(hx.runtime.memberStatus('a'), 'ONLINE');
    assert.deepEqual(await answers(port, 6), ['a', 'a', 'a', 'a', 'a', 'a']);

    b = await startNameServer('b', b.port);
    await eventually('b ONLINE again', () => hx.runtime.memberStatus('b') === 'ONLINE');
    const names = await answers(port, 6);
    assert.ok(names.includes('b') && names.includes('a'), `both serve again: ${names.join(',')}`);
  });

  it('HTTP monitor: a member answering its health URL with an unexpected status is taken out, then put back', async (t) => {
    let healthy = true;
    const probes: string[] = [];
    const a = await startBackend(t, 'a');
    const b = await startBackend(t, 'b', (req, res) => {
      if (req.url === '/health') {
        probes.push(`${req.method ?? ''} ${req.url}`);
        res.statusCode = healthy ? 200 : 500;
        res.end();
        return;
      }
      res.end('b');
    });
    const hx = await engine.start(t);
    const port = await freePort();
    const monitor = makeMonitor({ type: 'HTTP', intervalMs: 100, timeoutMs: 1_000, riseCount: 1, fallCount: 1, httpMethod: 'GET', urlPath: '/health', expectedCodes: [[200, 204]] });
    const pool = makePool({ id: 'p', protocol: 'HTTP', healthMonitor: monitor, members: [makeMember({ id: 'a', port: a.port }), makeMember({ id: 'b', port: b.port })] });
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'p' })], [pool]));
    await eventually('b ONLINE', () => hx.runtime.memberStatus('b') === 'ONLINE');
    assert.ok(probes.every((probe) => probe === 'GET /health'), 'the probe asks for the monitor\'s URL with its method');

    healthy = false;
    await eventually('b marked ERROR', () => hx.runtime.memberStatus('b') === 'ERROR');
    for (let i = 0; i < 4; i++) assert.equal((await curl([`http://127.0.0.1:${port}/`])).body, 'a');

    healthy = true;
    await eventually('b ONLINE again', () => hx.runtime.memberStatus('b') === 'ONLINE');
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add((await curl([`http://127.0.0.1:${port}/`])).body);
    assert.deepEqual([...bodies].sort(), ['a', 'b']);
  });

  it('without a monitor, members are NO_MONITOR and always used', async (t) => {
    const a = await startNameServer('a');
    t.after(() => a.close());
    const hx = await engine.start(t);
    const port = await freePort();
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', port, defaultPoolId: 'p' })], [makePool({ id: 'p', members: [makeMember({ id: 'a', port: a.port })] })]));
    assert.deepEqual(hx.runtime.memberStatuses(), { a: 'NO_MONITOR' });
    assert.deepEqual(await answers(port, 2), ['a', 'a']);
  });
});
