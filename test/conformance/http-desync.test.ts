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
import { expectationFor, loadDesyncCorpus, OWN_CASES, rawRequest, STRICTER_THAN_CORPUS, type Expectation } from './desync-corpus.js';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

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
