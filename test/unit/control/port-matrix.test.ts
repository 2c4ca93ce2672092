// The spec's full listener port matrix through the control plane and the SQLite store: every
// ordered pair of listener protocols × same/different port × same/different load balancer.
// The expected outcome is computed from the spec's sentence, not from elbow's tables:
// "For one load balancer: the port numbers of different protocols must be unique except UDP …
//  the port numbers of the same protocol must be unique."

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestCa, type TestCa } from '../../helpers/test-ca.js';
import { codeOf, controlPlaneFor } from './setup.js';

const PROTOCOLS = ['TCP', 'UDP', 'HTTP', 'HTTPS', 'TERMINATED_HTTPS', 'SSL'] as const;
const TLS = new Set(['HTTPS', 'TERMINATED_HTTPS', 'SSL']);

/** The spec's sentence: on one load balancer, a port is shared only between UDP and non-UDP. */
function specSaysConflict(first: string, second: string, samePort: boolean, sameLb: boolean): boolean {
  if (!sameLb || !samePort) return false;
  const firstIsUdp = first === 'UDP';
  const secondIsUdp = second === 'UDP';
  return firstIsUdp === secondIsUdp;
}

let ca: TestCa;
before(() => {
  ca = createTestCa();
});
after(() => ca.close());

test('listener port matrix: every protocol pair × same/different port × same/different load balancer', async (t) => {
  const { control } = await controlPlaneFor(t);
  const issued = ca.issueServer(['matrix.example']);
  const certificate = await control.create('certificate', { certificate: issued.certificatePem, private_key: issued.privateKeyPem });
  const body = (protocol: string, loadbalancer_id: string, protocol_port: number) => ({
    loadbalancer_id,
    protocol,
    protocol_port,
    ...(TLS.has(protocol) ? { default_tls_container_ref: certificate.id } : {}),
  });

  let port = 1000;
  let cases = 0;
  for (const first of PROTOCOLS) {
    for (const second of PROTOCOLS) {
      for (const samePort of [true, false]) {
        for (const sameLb of [true, false]) {
          // Classic load balancers, so SSL is allowed and only the port rule decides.
          const lbA = await control.create('loadbalancer', { type: 'classic', vip_subnet_id: 'subnet' });
          const lbB = sameLb ? lbA : await control.create('loadbalancer', { type: 'classic', vip_subnet_id: 'subnet' });
          port += 2;
          const existing = await control.create('listener', body(first, lbA.id, port));
          const secondPort = samePort ? port : port + 1;
          const label = `${first}:${port} then ${second}:${secondPort} on ${sameLb ? 'the same' : 'another'} load balancer`;
          if (specSaysConflict(first, second, samePort, sameLb)) {
            await assert.rejects(
              control.create('listener', body(second, lbB.id, secondPort)),
              (error: Error & { code?: string; status?: number }) => {
                assert.equal(error.code, 'LISTENER_PORT_CONFLICT', label);
                assert.equal(error.status, 409, label);
                assert.match(error.message, new RegExp(`id ${existing.id}, ${first}:${port}\\)`), label);
                return true;
              },
            );
          } else {
            const created = await control.create('listener', body(second, lbB.id, secondPort));
            assert.equal(created.protocol_port, secondPort, label);
          }
          cases += 1;
        }
      }
    }
  }
  assert.equal(cases, 6 * 6 * 2 * 2);
});

test('listeners of different load balancers on the same port conflict when one binds the wildcard address', async (t) => {
  const { control } = await controlPlaneFor(t);
  const specific = await control.create('loadbalancer', { vip_address: '127.0.0.5' });
  const wildcard = await control.create('loadbalancer', { vip_address: '0.0.0.0' });
  const existing = await control.create('listener', { loadbalancer_id: specific.id, protocol: 'TCP', protocol_port: 7000 });
  await assert.rejects(control.create('listener', { loadbalancer_id: wildcard.id, protocol: 'HTTP', protocol_port: 7000 }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'LISTENER_BIND_CONFLICT');
    assert.match(error.message, new RegExp(`Listener ${existing.id} \\(TCP:7000\\) of load balancer ${specific.id}`));
    return true;
  });
  // Another transport on the same port is still free.
  await control.create('listener', { loadbalancer_id: wildcard.id, protocol: 'UDP', protocol_port: 7000 });
  assert.equal(await codeOf(() => control.create('listener', { loadbalancer_id: specific.id, protocol: 'UDP', protocol_port: 7000 })), 'LISTENER_BIND_CONFLICT');
});
