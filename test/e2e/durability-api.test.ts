// A change the API answered 2xx survives kill -9: create resources through the API, SIGKILL the
// process right after the last answer, restart on the same data directory, find every one.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startElbow } from '../helpers/elbow-process.js';

const N = 30;

it('every resource the API acknowledged is there after kill -9 and a restart', async (t) => {
  const first = await startElbow();
  t.after(() => first.stop());
  const created: { path: string; id: string }[] = [];
  const lb = await first.api('POST', '/v2/lbaas/loadbalancers', { loadbalancer: { name: 'durable', vip_subnet_id: 'sub1' } });
  assert.equal(lb.status, 201);
  created.push({ path: 'loadbalancers', id: lb.body.loadbalancer.id });
  for (let i = 1; i < N; i++) {
    // Alternate kinds so both plain and derived-relationship resources are covered.
    const answer =
      i % 2 === 0
        ? await first.api('POST', '/v2/lbaas/ipgroups', { ipgroup: { name: `g${i}`, ip_list: [{ ip: `192.0.2.${i}` }] } })
        : await first.api('POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.body.loadbalancer.id, protocol: 'UDP', protocol_port: 30000 + i } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const [envelope] = Object.keys(answer.body);
    created.push({ path: envelope === 'ipgroup' ? 'ipgroups' : 'listeners', id: answer.body[envelope ?? ''].id });
  }
  await first.kill9();

  const second = await startElbow({ dataDir: first.dataDir });
  t.after(() => second.stop());
  assert.equal(second.token, first.token, 'the generated token is reused');
  for (const { path, id } of created) {
    const shown = await second.api('GET', `/v2/lbaas/${path}/${id}`);
    assert.equal(shown.status, 200, `${path}/${id} after kill -9: ${JSON.stringify(shown.body)}`);
  }
  const listeners = await second.api('GET', `/v2/lbaas/listeners?loadbalancer_id=${created[0]?.id}`);
  assert.equal(listeners.body.listeners.length, N / 2);
});
