// Twenty parallel creates that all want one port: the check inside the store transaction (and
// the unique index behind it) lets exactly one win; the others get the 409 naming the winner.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlPlaneFor } from './setup.js';

test('20 parallel conflicting listener creates: exactly one wins, the others are 409', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const lb = await control.create('loadbalancer', { vip_subnet_id: 'subnet' });
  const protocols = ['TCP', 'HTTP'] as const;
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) => control.create('listener', { loadbalancer_id: lb.id, protocol: protocols[i % 2], protocol_port: 8080, name: `l${i}` })),
  );
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(won.length, 1);
  assert.equal(lost.length, 19);
  const winner = (won[0] as PromiseFulfilledResult<{ id: string; protocol: unknown }>).value;
  for (const { reason } of lost) {
    assert.equal(reason.code, 'LISTENER_PORT_CONFLICT');
    assert.equal(reason.status, 409);
    assert.match(reason.message, new RegExp(`id ${winner.id}, ${String(winner.protocol)}:8080`));
  }
  assert.equal((await store.list('listener')).length, 1);
});

test('20 parallel creates of the same member address+port: exactly one wins', async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await control.create('loadbalancer', { vip_subnet_id: 'subnet' });
  const pool = await control.create('pool', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, () => control.create('member', { address: '192.0.2.10', protocol_port: 9000 }, { pool_id: pool.id })),
  );
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.code, 'MEMBER_ADDRESS_CONFLICT');
});
