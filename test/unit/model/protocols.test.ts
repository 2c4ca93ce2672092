// The tables of protocols.ts against design.md §2, restated here from the design text.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  HTTP_LISTENER_PROTOCOLS,
  LISTENER_POOL_PROTOCOLS,
  LISTENER_TRANSPORT,
  POOL_HEALTH_MONITOR_TYPES,
  POOL_SESSION_PERSISTENCE_TYPES,
  TLS_LISTENER_PROTOCOLS,
} from '../../../src/model/protocols.js';
import { LISTENER_PROTOCOLS, POOL_PROTOCOLS } from '../../../src/model/types.js';

test('transport family: UDP is udp, every other listener protocol is tcp', () => {
  for (const protocol of LISTENER_PROTOCOLS) assert.equal(LISTENER_TRANSPORT[protocol], protocol === 'UDP' ? 'udp' : 'tcp', protocol);
});

test('listener → pool protocol table of design.md §2', () => {
  const design: Record<string, string[]> = {
    TCP: ['TCP', 'PROXY', 'PROXYV2'],
    UDP: ['UDP'],
    HTTP: ['HTTP'],
    HTTPS: ['HTTP', 'HTTPS'],
    TERMINATED_HTTPS: ['HTTP', 'HTTPS'],
    SSL: ['TCP', 'PROXY', 'PROXYV2'],
  };
  for (const protocol of LISTENER_PROTOCOLS) assert.deepEqual([...LISTENER_POOL_PROTOCOLS[protocol]].sort(), design[protocol]?.sort(), protocol);
});

test('TLS-terminating and HTTP-speaking listener protocols', () => {
  assert.deepEqual(LISTENER_PROTOCOLS.filter((p) => TLS_LISTENER_PROTOCOLS[p]), ['HTTPS', 'TERMINATED_HTTPS', 'SSL']);
  assert.deepEqual(LISTENER_PROTOCOLS.filter((p) => HTTP_LISTENER_PROTOCOLS[p]), ['HTTP', 'HTTPS', 'TERMINATED_HTTPS']);
});

test('health monitors per pool protocol follow Octavia: UDP pools take UDP-CONNECT/TCP/HTTP, others never UDP-CONNECT', () => {
  assert.deepEqual([...POOL_HEALTH_MONITOR_TYPES.UDP].sort(), ['HTTP', 'TCP', 'UDP-CONNECT']);
  for (const protocol of POOL_PROTOCOLS.filter((p) => p !== 'UDP')) {
    const types: readonly string[] = POOL_HEALTH_MONITOR_TYPES[protocol];
    assert.ok(!types.includes('UDP-CONNECT'), protocol);
    for (const type of ['TCP', 'HTTP', 'HTTPS', 'PING', 'TLS-HELLO']) assert.ok(types.includes(type), `${protocol} ${type}`);
  }
});

test('cookie persistence only on HTTP/HTTPS pools, SOURCE_IP everywhere', () => {
  for (const protocol of POOL_PROTOCOLS) {
    const types: readonly string[] = POOL_SESSION_PERSISTENCE_TYPES[protocol];
    assert.ok(types.includes('SOURCE_IP'), protocol);
    const http = protocol === 'HTTP' || protocol === 'HTTPS';
    assert.equal(types.includes('HTTP_COOKIE'), http, protocol);
    assert.equal(types.includes('APP_COOKIE'), http, protocol);
  }
});
