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
  const raw = ['Content-Type', 'text/plain', 'Connection', 'keep-alive, X-Hop', 'Keep-Alive', 'timeout=5', 'X-Hop', '1', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'Proxy-Authenticate', 'Basic', 'X-A-Header-Longer-Than-Nineteen', 'caf\xe9']
    .map((text) => Buffer.from(text, 'latin1'));
  assert.deepEqual(clientResponseHeaders(raw), ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'X-A-Header-Longer-Than-Nineteen', 'caf\xe9']);
  // A Connection header naming a long header name drops that one too.
  const long = ['Connection', 'X-A-Header-Longer-Than-Nineteen', 'X-A-Header-Longer-Than-Nineteen', '1', 'Date', 'now'].map((text) => Buffer.from(text));
  assert.deepEqual(clientResponseHeaders(long), ['Date', 'now']);
  assert.deepEqual(clientResponseHeaders(['Connection', 'close', 'Date', 'now'].map((text) => Buffer.from(text))), ['Date', 'now']);
  // Proxy-* headers are hop-by-hop whatever their length.
  assert.deepEqual(clientResponseHeaders(['Proxy-Some-Very-Long-Header-Name', '1', 'Date', 'now'].map((text) => Buffer.from(text))), ['Date', 'now']);
});

it('flattens a header list for undici and writeHead', () => {
  assert.deepEqual(toFlat(new Map([['host', ['a']], ['x-a', ['1', '2']]])), ['host', 'a', 'x-a', '1', 'x-a', '2']);
});
