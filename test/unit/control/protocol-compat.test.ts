// The listener → pool protocol table through the control plane: as a listener's default pool
// (created with listener_id, or set by default_pool_id) and as a policy's redirect pool.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LISTENER_PROTOCOLS, POOL_PROTOCOLS } from '../../../src/model/types.js';
import { createTestCa, type TestCa } from '../../helpers/test-ca.js';
import { loadBalancer, pool } from './fixtures.js';
import { codeOf, controlPlaneFor } from './setup.js';

// design.md §2, restated.
const ALLOWED: Record<string, string[]> = {
  TCP: ['TCP', 'PROXY', 'PROXYV2'],
  UDP: ['UDP'],
  HTTP: ['HTTP'],
  HTTPS: ['HTTP', 'HTTPS'],
  TERMINATED_HTTPS: ['HTTP', 'HTTPS'],
  SSL: ['TCP', 'PROXY', 'PROXYV2'],
};

let ca: TestCa;
before(() => {
  ca = createTestCa();
});
after(() => ca.close());

test('listener × pool protocol: pool created with listener_id, and set as default_pool_id', async (t) => {
  const { control } = await controlPlaneFor(t);
  const issued = ca.issueServer(['compat.example']);
  const cert = await control.create('certificate', { certificate: issued.certificatePem, private_key: issued.privateKeyPem });
  const lb = await loadBalancer(control, { type: 'classic' });
  let port = 2000;
  for (const listenerProtocol of LISTENER_PROTOCOLS) {
    for (const poolProtocol of POOL_PROTOCOLS) {
      const tls = ['HTTPS', 'TERMINATED_HTTPS', 'SSL'].includes(listenerProtocol) ? { default_tls_container_ref: cert.id } : {};
      const l = await control.create('listener', { loadbalancer_id: lb.id, protocol: listenerProtocol, protocol_port: port++, ...tls });
      const label = `${listenerProtocol} → ${poolProtocol}`;
      const allowed = ALLOWED[listenerProtocol]?.includes(poolProtocol) ?? false;
      if (allowed) {
        const p = await pool(control, { listener_id: l.id }, poolProtocol);
        assert.equal((await control.show('listener', l.id)).default_pool_id, p.id, label);
      } else {
        await assert.rejects(pool(control, { listener_id: l.id }, poolProtocol), { code: 'PROTOCOL_MISMATCH', message: new RegExp(`${listenerProtocol} is not compatible with pool protocol ${poolProtocol}`) }, label);
        const standalone = await pool(control, { loadbalancer_id: lb.id }, poolProtocol);
        assert.equal(await codeOf(() => control.update('listener', l.id, { default_pool_id: standalone.id })), 'PROTOCOL_MISMATCH', label);
      }
    }
  }
});

test('a policy redirect pool must suit the listener protocol and belong to its load balancer', async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await loadBalancer(control);
  const other = await loadBalancer(control);
  const http = await control.create('listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80 });
  const tcpPool = await pool(control, { loadbalancer_id: lb.id }, 'TCP');
  const foreignPool = await pool(control, { loadbalancer_id: other.id }, 'HTTP');
  const httpPool = await pool(control, { loadbalancer_id: lb.id }, 'HTTP');
  assert.equal(await codeOf(() => control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_POOL', redirect_pool_id: tcpPool.id })), 'PROTOCOL_MISMATCH');
  assert.equal(await codeOf(() => control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_POOL', redirect_pool_id: foreignPool.id })), 'POOL_LB_MISMATCH');
  const policy = await control.create('l7policy', { listener_id: http.id, action: 'REDIRECT_TO_POOL', redirect_pool_id: httpPool.id });
  assert.equal(policy.redirect_pool_id, httpPool.id);
  assert.deepEqual((await control.show('pool', httpPool.id)).listeners, [{ id: http.id }]);
});
