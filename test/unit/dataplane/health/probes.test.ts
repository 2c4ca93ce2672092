// Each health probe against a real server on 127.0.0.1: up and down cases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer as createTlsServer } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { PROBES } from '../../../../src/dataplane/health/probes/registry.js';
import { createTestCa } from '../../../helpers/test-ca.js';
import { freePort, makeMonitor, startServer } from '../support.js';

const probe = (type: keyof typeof PROBES, port: number, monitor = makeMonitor({ type })) => PROBES[type]({ address: '127.0.0.1', port }, monitor, AbortSignal.timeout(2000));

test('TCP and PING: up when a connection completes, down when refused', async (t) => {
  const server = await startServer((socket) => socket.end());
  t.after(() => server.close());
  assert.equal(await probe('TCP', server.port), true);
  assert.equal(await probe('PING', server.port), true);
  assert.equal(await probe('TCP', await freePort()), false);
});

test('HTTP: method, path, Host from domain_name, version, and expected codes', async (t) => {
  const seen: { method?: string; url?: string; host?: string; version?: string }[] = [];
  const server = createHttpServer((request: IncomingMessage, response) => {
    seen.push({ method: request.method, url: request.url, host: request.headers.host, version: request.httpVersion });
    response.statusCode = request.url === '/health' ? 203 : 500;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const monitor = makeMonitor({ type: 'HTTP', httpMethod: 'HEAD', urlPath: '/health', expectedCodes: [[200, 204]], httpVersion: 1.1, domainName: 'app.example.com' });
  assert.equal(await probe('HTTP', port, monitor), true);
  assert.deepEqual(seen[0], { method: 'HEAD', url: '/health', host: 'app.example.com', version: '1.1' });
  assert.equal(await probe('HTTP', port, { ...monitor, expectedCodes: [[200, 200], [202, 202]] }), false);
  assert.equal(await probe('HTTP', port, { ...monitor, urlPath: '/broken' }), false);
  assert.equal(await probe('HTTP', port, { ...monitor, httpVersion: 1.0, domainName: null, httpMethod: 'GET' }), true);
  assert.deepEqual(seen[3], { method: 'GET', url: '/health', host: undefined, version: '1.0' });
  assert.equal(await probe('HTTP', await freePort(), monitor), false);
});

test('a member that accepts and never answers is down at the timeout', async (t) => {
  const server = await startServer((socket) => socket.resume());
  t.after(() => server.close());
  const result = await PROBES.HTTP({ address: '127.0.0.1', port: server.port }, makeMonitor({ type: 'HTTP' }), AbortSignal.timeout(100));
  assert.equal(result, false);
});

test('TLS-HELLO and HTTPS: up when the handshake completes, whatever the certificate', async (t) => {
  const ca = createTestCa();
  t.after(() => ca.close());
  const issued = ca.issueServer(['member.example']);
  const tls = createTlsServer({ cert: issued.certificatePem, key: issued.privateKeyPem }, (socket) => {
    socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\n\r\n'));
  });
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => tls.close(() => resolve())));
  const port = (tls.address() as AddressInfo).port;
  assert.equal(await probe('TLS-HELLO', port), true);
  assert.equal(await probe('HTTPS', port, makeMonitor({ type: 'HTTPS' })), true);
  // A plain TCP server is not TLS.
  const plain = await startServer((socket) => socket.end('not tls\r\n'));
  t.after(() => plain.close());
  assert.equal(await probe('TLS-HELLO', plain.port), false);
});

test('UDP-CONNECT: down on ICMP port unreachable, up on silence', async (t) => {
  const { createSocket } = await import('node:dgram');
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => silent.close(() => resolve())));
  const monitor = makeMonitor({ type: 'UDP-CONNECT' });
  assert.equal(await PROBES['UDP-CONNECT']({ address: '127.0.0.1', port: silent.address().port }, monitor, AbortSignal.timeout(200)), true);
  assert.equal(await PROBES['UDP-CONNECT']({ address: '127.0.0.1', port: await freePort('udp') }, monitor, AbortSignal.timeout(2000)), false);
});
