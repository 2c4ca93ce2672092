import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkEngine, describeEngine } from '../../../src/serve/data-plane-engine.js';

test('the start line names the engine, its protocols and what the other engine keeps', () => {
  assert.equal(
    describeEngine({ name: 'haproxy', haproxy_version: '2.6.12', protocols: { haproxy: ['TCP', 'HTTP', 'HTTPS', 'TERMINATED_HTTPS', 'SSL'], node: ['UDP'] } }),
    'engine haproxy: TCP, HTTP, HTTPS, TERMINATED_HTTPS, SSL (HAProxy 2.6.12); UDP on the node engine',
  );
  assert.equal(describeEngine({ name: 'node', haproxy_version: null, protocols: { node: ['TCP', 'UDP'] } }), 'engine node: TCP, UDP');
});

test('the node engine needs nothing; a missing haproxy fails with the install command', async () => {
  assert.equal(await checkEngine({ name: 'node' }), null);
  await assert.rejects(checkEngine({ name: 'haproxy', haproxyBin: '/nonexistent/haproxy' }), /apt-get install haproxy.*--haproxy-bin/);
});
