// Layer 7 end to end: a real `elbow serve` process configured through the Octavia API (and the
// Huawei extensions: certificates, REDIRECT_TO_LISTENER) serves HTTP and HTTPS listeners to curl.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { freePort, startBackend } from '../helpers/l7-harness.js';
import { createTestCa } from '../helpers/test-ca.js';

const run = promisify(execFile);

async function created(elbow: ElbowProcess, path: string, kind: string, body: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  const answer = await elbow.api('POST', path, { [kind]: body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body[kind];
}

describe('layer 7 through the API', { timeout: 120_000 }, () => {
  it('serves HTTP and HTTPS listeners with policies, sticky sessions and a stored certificate', async (t) => {
    const elbow = await startElbow();
    t.after(() => elbow.stop());
    const ca = createTestCa();
    t.after(() => ca.close());
    const a = await startBackend(t, 'a');
    const b = await startBackend(t, 'b');
    const lb = await created(elbow, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'l7', vip_address: '127.0.0.1' });
    const pool = await created(elbow, '/v2/lbaas/pools', 'pool', {
      loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', session_persistence: { type: 'HTTP_COOKIE' },
    });
    for (const backend of [a, b]) await created(elbow, `/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: backend.port });

    const httpPort = await freePort();
    const http = await created(elbow, '/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: httpPort, default_pool_id: pool.id,
      insert_headers: { 'X-Forwarded-For': 'true', 'X-Forwarded-Proto': 'true' },
    });
    const first = await run('curl', ['-sS', '-m', '10', '-D', '-', `http://127.0.0.1:${httpPort}/`]);
    const cookie = /set-cookie: (SRV=[^;]+)/i.exec(first.stdout)?.[1];
    assert.ok(cookie, first.stdout);
    const member = first.stdout.trim().slice(-1);
    for (let i = 0; i < 4; i++) assert.equal((await run('curl', ['-sS', '-m', '10', '-b', cookie, `http://127.0.0.1:${httpPort}/`])).stdout, member);
    const seen = (member === 'a' ? a : b).seen[0];
    assert.equal(seen?.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen?.headers['x-forwarded-proto'], 'http');

    // HTTPS with a certificate stored through the API; HTTP/2 to the client, HTTP/1.1 to members.
    const issued = ca.issueServer(['shop.test']);
    const certificate = await created(elbow, '/v2/lbaas/certificates', 'certificate', { name: 'shop', type: 'server', certificate: issued.certificatePem, private_key: issued.privateKeyPem });
    const httpsPort = await freePort();
    const https = await created(elbow, '/v2/lbaas/listeners', 'listener', {
      loadbalancer_id: lb.id, protocol: 'TERMINATED_HTTPS', protocol_port: httpsPort, default_pool_id: pool.id, default_tls_container_ref: certificate.id,
      alpn_protocols: ['h2', 'http/1.1'],
    });
    assert.equal(https.provisioning_status, 'ACTIVE');
    const secure = await run('curl', ['-sS', '-m', '10', '--http2', '-w', ' %{http_version}', '--cacert', ca.caFile, '--resolve', `shop.test:${httpsPort}:127.0.0.1`, `https://shop.test:${httpsPort}/`]);
    assert.match(secure.stdout, /^[ab] 2$/);

    // HTTP → HTTPS with REDIRECT_TO_LISTENER, and a REJECT rule.
    const redirect = await created(elbow, '/v2/lbaas/l7policies', 'l7policy', { listener_id: http.id, action: 'REDIRECT_TO_LISTENER', redirect_listener_id: https.id, position: 1 });
    await created(elbow, `/v2/lbaas/l7policies/${redirect.id}/rules`, 'rule', { type: 'PATH', compare_type: 'STARTS_WITH', value: '/secure' });
    const reject = await created(elbow, '/v2/lbaas/l7policies', 'l7policy', { listener_id: http.id, action: 'REJECT', position: 2 });
    await created(elbow, `/v2/lbaas/l7policies/${reject.id}/rules`, 'rule', { type: 'HEADER', compare_type: 'EQUAL_TO', key: 'X-Bad', value: 'yes' });
    const moved = await run('curl', ['-sS', '-m', '10', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '-H', 'Host: shop.test', `http://127.0.0.1:${httpPort}/secure/x?y=1`]);
    assert.match(moved.stdout, new RegExp(`^30[12] https://shop\\.test:${httpsPort}/secure/x\\?y=1$`));
    const refused = await run('curl', ['-sS', '-m', '10', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'X-Bad: yes', `http://127.0.0.1:${httpPort}/`]);
    assert.equal(refused.stdout, '403');
  });

  it('serves an HTTP listener from worker processes', async (t) => {
    const elbow = await startElbow({ args: ['--workers', '2'] });
    t.after(() => elbow.stop());
    const a = await startBackend(t, 'a');
    const lb = await created(elbow, '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'l7w', vip_address: '127.0.0.1' });
    const pool = await created(elbow, '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await created(elbow, `/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: a.port });
    const port = await freePort();
    await created(elbow, '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: port, default_pool_id: pool.id, insert_headers: { 'X-Forwarded-For': 'true' } });
    const answers = await Promise.all(Array.from({ length: 10 }, () => run('curl', ['-sS', '-m', '10', `http://127.0.0.1:${port}/`]).then((r) => r.stdout)));
    assert.deepEqual(new Set(answers), new Set(['a']));
    assert.equal(a.seen.length, 10);
    assert.equal(a.seen[0]?.headers['x-forwarded-for'], '127.0.0.1');
  });
});
