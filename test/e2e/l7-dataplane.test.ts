// L7 listeners run by the real data plane (createDataPlane with its listener registry, apply,
// pools, balancers, health checks): HTTP traffic under load while a member is killed; the
// clients see at most the requests in flight on it fail, and none once it is marked down. Also a
// snapshot update that replaces a certificate.

import assert from 'node:assert/strict';
import { Agent, request, type ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDataPlane } from '../../src/dataplane/dataplane.js';
import { RuntimeView } from '../../src/snapshot/runtime-view.js';
import type { Snapshot, SnapshotHealthMonitor } from '../../src/snapshot/snapshot.js';
import { listener, member, pool } from '../helpers/fake-pools.js';
import { createTestCa } from '../helpers/test-ca.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
import { freePort, startBackend } from '../helpers/l7-harness.js';

const monitor: SnapshotHealthMonitor = {
  id: 'hm-1', type: 'HTTP', intervalMs: 100, timeoutMs: 200, riseCount: 1, fallCount: 2, httpMethod: 'GET', urlPath: '/',
  expectedCodes: [[200, 299]], httpVersion: 1.1, domainName: null,
};

function get(port: number, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe('L7 listeners in the real data plane', { timeout: 60_000 }, () => {
  it('a member killed under load costs at most its in-flight requests, none after it is marked down', async (t) => {
    const slowly = (name: string) => (_req: unknown, res: ServerResponse) => { setTimeout(() => res.end(name), 5); };
    const backends = [await startBackend(t, 'a', slowly('a')), await startBackend(t, 'b', slowly('b')), await startBackend(t, 'c', slowly('c'))];
    const members = backends.map((b) => member(b.port));
    const port = await freePort();
    const snapshot: Snapshot = {
      revision: 1,
      listeners: [listener({ id: 'l-http', port })],
      pools: { 'pool-1': pool('pool-1', members, { healthMonitor: monitor }) },
    };
    const runtime = new RuntimeView();
    const dataplane = createDataPlane({ drainMs: 100, runtime: runtime.part('node') });
    t.after(() => dataplane.close(0));
    const report = await dataplane.apply(snapshot);
    assert.deepEqual(report.listenerErrors, {});

    const concurrency = 16;
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    t.after(() => agent.destroy());
    let failures = 0;
    let stop = false;
    const loops = Array.from({ length: concurrency }, async () => {
      while (!stop) if ((await get(port, agent)) !== 200) failures++;
    });
    await sleep(300);
    const victim = backends[1];
    const victimId = members[1]?.id ?? '';
    assert.ok(victim);
    await victim.close();
    for (let i = 0; i < 100 && runtime.memberStatus(victimId) !== 'ERROR'; i++) await sleep(50);
    assert.equal(runtime.memberStatus(victimId), 'ERROR', 'the health monitor marked the member down');
    const failedBeforeDown = failures;
    t.diagnostic(`${failedBeforeDown} requests failed while the member went down`);
    await sleep(500);
    stop = true;
    await Promise.all(loops);
    assert.ok(failedBeforeDown <= concurrency, `${failedBeforeDown} failures; at most the ${concurrency} in flight may fail`);
    assert.equal(failures, failedBeforeDown, 'no failure once the member is marked down');
    const served = backends.filter((b) => b !== victim).map((b) => b.seen.length);
    assert.ok(served.every((n) => n > 10));
  });

  it('applies HTTPS listeners and serves a certificate replaced by a new snapshot', async (t) => {
    const ca = createTestCa();
    t.after(() => ca.close());
    const first = ca.issueServer(['first.test']);
    const second = ca.issueServer(['second.test']);
    const backend = await startBackend(t, 'member');
    const port = await freePort();
    const tls = (cert: typeof first, id: string) => ({
      defaultCertificate: cert.snapshot(id), sniCertificates: [], clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE' as const,
      versions: null, ciphers: null, alpnProtocols: ['h2', 'http/1.1'],
    });
    const snapshot = (revision: number, cert: typeof first, id: string): Snapshot => ({
      revision,
      listeners: [listener({ id: 'l-https', protocol: 'HTTPS', port, tls: tls(cert, id) })],
      pools: { 'pool-1': pool('pool-1', [member(backend.port, { id: 'm-1' })]) },
    });
    const dataplane = createDataPlane({ drainMs: 100, healthChecks: false });
    t.after(() => dataplane.close(0));
    assert.deepEqual((await dataplane.apply(snapshot(1, first, 'c1'))).listenerErrors, {});
    const curl = (name: string) => run('curl', ['-sS', '-m', '10', '--http2', '--cacert', ca.caFile, '--resolve', `${name}:${port}:127.0.0.1`, `https://${name}:${port}/`]);
    assert.equal((await curl('first.test')).stdout, 'member');
    assert.deepEqual((await dataplane.apply(snapshot(2, second, 'c2'))).listenerErrors, {});
    assert.equal((await curl('second.test')).stdout, 'member');
    await assert.rejects(curl('first.test'));
  });
});
