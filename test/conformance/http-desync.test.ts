// Request smuggling conformance: every case of AWS's http-desync-guardian corpus, plus elbow's
// own, written as raw bytes to an HTTP listener whose member counts what reaches it.
// Per the corpus README: Compliant and Acceptable are forwarded; Ambiguous is either rejected or
// forwarded with connections closed (elbow rejects: 400, closed, never forwarded); Severe is 400,
// closed, never forwarded.

import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { createHttpListener } from '../../src/dataplane/listeners/http.js';
import type { ListenerRuntime } from '../../src/dataplane/listener-runtime.js';
import { FakeContext, listener, member, pool } from '../helpers/fake-pools.js';
import { freePort, rawExchange, type Backend } from '../helpers/l7-harness.js';
import { loadDesyncCorpus, rawRequest, type DesyncCase } from './desync-corpus.js';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * Compliant/Acceptable cases Node's strict parser (llhttp, never insecureHTTPParser) refuses with
 * 400 before elbow sees them. Stricter than the corpus, never less safe; each is invalid per RFC 9110/9112.
 */
const STRICTER_THAN_CORPUS: Readonly<Record<string, string>> = {
  'No TE/CL headers, some others are non-compliant': 'whitespace between field name and colon (RFC 9112 §5.1: MUST reject)',
  'TE and some others are non-compliant': 'whitespace between field name and colon (RFC 9112 §5.1: MUST reject)',
  'CL and some others are non-compliant': 'whitespace between field name and colon (RFC 9112 §5.1: MUST reject)',
  'A non-essential header with a non-printable character (x01)': 'control character in a field name (not a token)',
  'Unknown but OK HTTP/1.2': 'llhttp accepts only HTTP/0.9, 1.0 and 1.1 on HTTP/1 connections',
  'Some-Header\\x01': 'control character in a field name (not a token)',
  '\\x01Some-Header': 'control character in a field name (not a token)',
  'Some-Header: \\x01value': 'control character in a field value (RFC 9110 §5.5)',
  'Some-Header: value\\x01': 'control character in a field value (RFC 9110 §5.5)',
  'TE with custom parameters OK': 'parameters on the chunked coding (RFC 9112 §7.1 defines none)',
  'Transfer-Encoding with a param: chunked;custom_param': 'parameters on the chunked coding (RFC 9112 §7.1 defines none)',
  'International in URI': 'raw non-ASCII bytes in the request-target (RFC 3986 needs percent-encoding)',
  'Empty URI': 'empty request-target (RFC 9112 §3.2: origin-form starts with "/")',
  'Extra spaces in version': 'request line must be method SP target SP version (RFC 9112 §3)',
  '[space] in URI': 'request line must be method SP target SP version (RFC 9112 §3)',
};

type Expectation = { forward: true } | { forward: false; status: number };

function expectationFor(c: DesyncCase): Expectation {
  if ((c.tier === 'Compliant' || c.tier === 'Acceptable') && STRICTER_THAN_CORPUS[c.name] === undefined) return { forward: true };
  return { forward: false, status: 400 };
}

/** elbow's own vectors, beyond the corpus. */
const OWN_CASES: readonly { name: string; raw: string; expect: Expectation }[] = [
  { name: 'CL and TE (lower case)', raw: 'POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 6\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\nX', expect: { forward: false, status: 400 } },
  { name: 'TE with chunked not last', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'TE chunked twice in two headers', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'duplicate identical Content-Length', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello', expect: { forward: false, status: 400 } },
  { name: 'Content-Length with a sign', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello', expect: { forward: false, status: 400 } },
  { name: 'negative Content-Length', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'obs-fold continuation line', raw: 'GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'bare LF line endings in the head', raw: 'GET / HTTP/1.1\nHost: x\n\n', expect: { forward: false, status: 400 } },
  { name: 'bare CR inside a value', raw: 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rTransfer-Encoding: chunked\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'vertical tab before chunked', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'chunk size in 0x notation', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'GET with a Content-Length body', raw: 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', expect: { forward: false, status: 400 } },
  { name: 'two Host headers', raw: 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'HTTP/1.1 without Host', raw: 'GET / HTTP/1.1\r\nX-A: 1\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'oversized header', raw: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17_000)}\r\n\r\n`, expect: { forward: false, status: 431 } },
  { name: 'oversized request line', raw: `GET /${'u'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, expect: { forward: false, status: 431 } },
  { name: 'NUL in the request-target', raw: 'GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n', expect: { forward: false, status: 400 } },
  { name: 'valid chunked POST is forwarded', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', expect: { forward: true } },
  { name: 'valid Content-Length POST is forwarded', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', expect: { forward: true } },
];

describe('HTTP desync conformance', () => {
  let runtime: ListenerRuntime;
  let port = 0;
  let received = 0;
  let backend: Backend['server'];

  before(async () => {
    backend = createServer((req, res) => {
      received++;
      req.resume();
      req.on('end', () => res.end('forwarded'));
    });
    backend.listen(0, '127.0.0.1');
    await once(backend, 'listening');
    const context = new FakeContext([pool('pool-1', [member((backend.address() as AddressInfo).port)])]);
    port = await freePort();
    runtime = createHttpListener(listener({ port }), context);
    await runtime.start();
  });
  after(async () => {
    await runtime.close(0);
    backend.closeAllConnections();
    backend.close();
  });

  async function check(raw: Buffer, expect: Expectation): Promise<void> {
    const before = received;
    if (expect.forward) {
      const { text } = await rawExchange(port, raw, 10_000, true);
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n/, 'forwarded and answered by the member');
      assert.equal(received, before + 1, 'the member saw exactly one request');
    } else {
      const { text, closedByServer } = await rawExchange(port, raw, 5_000);
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${expect.status} `), `answered ${expect.status}`);
      assert.ok(closedByServer, 'the client connection is closed');
      assert.equal(received, before, 'nothing reached the member');
    }
  }

  for (const c of loadDesyncCorpus()) {
    const expect = expectationFor(c);
    const verdict = expect.forward ? 'forwarded' : `${expect.status}${STRICTER_THAN_CORPUS[c.name] ? ` (stricter: ${STRICTER_THAN_CORPUS[c.name]})` : ''}`;
    it(`${c.file} [${c.tier}] ${c.name} → ${verdict}`, () => check(rawRequest(c), expect));
  }
  for (const c of OWN_CASES) {
    it(`elbow [${c.expect.forward ? 'forward' : 'reject'}] ${c.name}`, () => check(Buffer.from(c.raw, 'latin1'), c.expect));
  }

  it('covers the whole corpus', () => {
    assert.ok(loadDesyncCorpus().length >= 150);
  });
});
