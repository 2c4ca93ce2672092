import assert from 'node:assert/strict';
import { it } from 'node:test';
import { clientResponseHeaders, compileInsertHeaders, endToEndHeaders, insertForwardedHeaders, toFlat, toOutgoing } from '../../../../src/dataplane/http/forwarded-headers.js';

it('removes hop-by-hop headers and those Connection names, keeps Host and repeated headers', () => {
  const headers = endToEndHeaders(['Host', 'a.test', 'Connection', 'keep-alive, X-Hop', 'X-Hop', '1', 'Keep-Alive', '5', 'TE', 'trailers', 'Trailer', 'X', 'Transfer-Encoding', 'chunked', 'Upgrade', 'websocket', 'Proxy-Authorization', 'p', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', ':path', '/']);
  assert.deepEqual(toOutgoing(headers), { host: 'a.test', 'set-cookie': ['a=1', 'b=2'] });
});

it('keeps Upgrade and Connection for upgrades', () => {
  const headers = endToEndHeaders(['Host', 'a', 'Connection', 'Upgrade', 'Upgrade', 'websocket'], true);
  assert.deepEqual(toOutgoing(headers), { host: 'a', connection: 'Upgrade', upgrade: 'websocket' });
});

it('applies insert_headers with Octavia\'s "true"/"false" strings', () => {
  const headers = endToEndHeaders(['Host', 'shop.test', 'X-Forwarded-For', '198.51.100.1', 'X-Forwarded-Proto', 'spoofed']);
  insertForwardedHeaders(headers, compileInsertHeaders({ 'X-Forwarded-For': 'true', 'X-Forwarded-Proto': 'true', 'X-Forwarded-Port': 'false', 'X-Real-IP': 'TRUE' }), {
    clientAddress: '::ffff:192.0.2.9', clientPort: 5000, localAddress: '127.0.1.1', localPort: 443, scheme: 'https', host: 'shop.test',
  });
  assert.deepEqual(toOutgoing(headers), { host: 'shop.test', 'x-forwarded-for': '198.51.100.1, 192.0.2.9', 'x-forwarded-proto': 'https', 'x-real-ip': '192.0.2.9' });
});

it('lists member response headers for the client without hop-by-hop ones, repeats kept', () => {
  const parsed = { 'content-type': 'text/plain', connection: 'keep-alive, X-Hop', 'keep-alive': 'timeout=5', 'x-hop': '1', 'transfer-encoding': 'chunked', 'set-cookie': ['a=1', 'b=2'], 'proxy-authenticate': 'Basic' };
  assert.deepEqual(clientResponseHeaders(parsed), ['content-type', 'text/plain', 'set-cookie', 'a=1', 'set-cookie', 'b=2']);
});

it('flattens a header list for undici and writeHead', () => {
  assert.deepEqual(toFlat(new Map([['host', ['a']], ['x-a', ['1', '2']]])), ['host', 'a', 'x-a', '1', 'x-a', '2']);
});
