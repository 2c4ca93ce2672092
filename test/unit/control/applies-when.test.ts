// A field that applies only to some resources (the catalog's appliesWhen) is refused elsewhere,
// and nothing is written: timeout_http_keep_alive on listeners that do not speak HTTP.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listener, loadBalancer } from './fixtures.js';
import { controlPlaneFor } from './setup.js';

test('timeout_http_keep_alive: null by default, set on HTTP(S) listeners, refused on TCP, UDP and SSL ones', async (t) => {
  const { control } = await controlPlaneFor(t);
  const lb = await loadBalancer(control, { type: 'classic' });
  const http = await listener(control, lb.id, 'HTTP', 80);
  assert.equal(http.timeout_http_keep_alive, null);
  const updated = await control.update('listener', http.id, { timeout_http_keep_alive: 5000 });
  assert.equal(updated.timeout_http_keep_alive, 5000);
  assert.equal((await control.update('listener', http.id, { timeout_http_keep_alive: null })).timeout_http_keep_alive, null);
  await assert.rejects(control.update('listener', http.id, { timeout_http_keep_alive: 0 }), { code: 'INVALID_BODY' });

  for (const [protocol, port] of [['TCP', 81], ['UDP', 82]] as const) {
    await assert.rejects(listener(control, lb.id, protocol, port, { timeout_http_keep_alive: 5000 }), (error: Error & { code?: string; params?: Record<string, unknown> }) => {
      assert.equal(error.code, 'INVALID_BODY');
      assert.equal(error.params?.field, 'timeout_http_keep_alive');
      assert.match(error.message, /applies only when protocol is HTTP, HTTPS, TERMINATED_HTTPS \(it is (TCP|UDP)\)/);
      return true;
    });
    // The default is accepted anywhere, and nothing of the refused create was stored.
    const plain = await listener(control, lb.id, protocol, port, { timeout_http_keep_alive: null });
    await assert.rejects(control.update('listener', plain.id, { timeout_http_keep_alive: 1000 }), { code: 'INVALID_BODY' });
  }
  assert.equal((await control.list('listener', { query: {} })).length, 3);
});
