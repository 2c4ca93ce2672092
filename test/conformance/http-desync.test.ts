// Request smuggling conformance: every case of AWS's http-desync-guardian corpus, plus elbow's
// own, written as raw bytes to an HTTP listener whose member counts what reaches it, once per
// desync_mitigation_mode. Per the corpus README: Compliant and Acceptable are forwarded; Severe
// is 400, closed, never forwarded; Ambiguous depends on the mode (AWS ALB's modes):
// - defensive (the default): forwarded, and both connections close after the answer (the member
//   gets Connection: close, the client too);
// - strictest: 400, closed, never forwarded;
// - monitor: forwarded, connections kept (and logged).
// Ambiguous cases Node's parser refuses before elbow sees them are 400 in every mode
// (PARSER_REFUSES_AMBIGUOUS in desync-corpus.ts).

import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { createHttpListener } from '../../src/dataplane/listeners/http.js';
import type { ListenerRuntime } from '../../src/dataplane/listener-runtime.js';
import { FakeContext, listener, member, pool } from '../helpers/fake-pools.js';
import { freePort, rawExchange, type Backend } from '../helpers/l7-harness.js';
import { DESYNC_MODES, expectationFor, loadDesyncCorpus, OWN_CASES, ownExpectation, PARSER_REFUSES_AMBIGUOUS, rawRequest, STRICTER_THAN_CORPUS, type Expectation } from './desync-corpus.js';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

for (const mode of DESYNC_MODES) {
  describe(`HTTP desync conformance, desync_mitigation_mode ${mode}`, () => {
    let runtime: ListenerRuntime;
    let port = 0;
    let received = 0;
    /** The Connection header each request reached the member with. */
    let memberConnection: (string | undefined)[] = [];
    let backend: Backend['server'];

    before(async () => {
      backend = createServer((req, res) => {
        received++;
        memberConnection.push(req.headers.connection);
        req.resume();
        req.on('end', () => res.end('forwarded'));
      });
      backend.listen(0, '127.0.0.1');
      await once(backend, 'listening');
      const context = new FakeContext([pool('pool-1', [member((backend.address() as AddressInfo).port)])]);
      port = await freePort();
      runtime = createHttpListener(listener({ port, desyncMitigationMode: mode }), context);
      await runtime.start();
    });
    after(async () => {
      await runtime.close(0);
      backend.closeAllConnections();
      backend.close();
    });

    async function check(raw: Buffer, expect: Expectation): Promise<void> {
      const before = received;
      memberConnection = [];
      if (expect.forward) {
        const { text } = await rawExchange(port, raw, 10_000, true);
        assert.match(text, /^HTTP\/1\.1 200 OK\r\n/, 'forwarded and answered by the member');
        assert.equal(received, before + 1, 'the member saw exactly one request');
        const head = text.slice(0, text.indexOf('\r\n\r\n')).toLowerCase();
        if (expect.close === true) {
          assert.match(head, /\r\nconnection: close/, 'the client connection closes after the answer');
          assert.equal(memberConnection[0], 'close', 'the member connection is not reused');
        } else if (expect.close === false) {
          assert.match(head, /\r\nconnection: keep-alive/, 'the client connection is kept');
          assert.notEqual(memberConnection[0], 'close', 'the member connection is kept');
        }
      } else {
        const { text, closedByServer } = await rawExchange(port, raw, 5_000);
        assert.match(text, new RegExp(`^HTTP/1\\.1 ${expect.status} `), `answered ${expect.status}`);
        assert.ok(closedByServer, 'the client connection is closed');
        assert.equal(received, before, 'nothing reached the member');
      }
    }

    for (const c of loadDesyncCorpus()) {
      const expect = expectationFor(c, mode);
      const why = STRICTER_THAN_CORPUS[c.name] ?? PARSER_REFUSES_AMBIGUOUS[c.name];
      const shown = expect.forward ? `forwarded${expect.close === true ? ', connections closed' : ''}` : `${expect.status}${why ? ` (stricter: ${why})` : ''}`;
      it(`${c.file} [${c.tier}] ${c.name} → ${shown}`, () => check(rawRequest(c), expect));
    }
    for (const c of OWN_CASES) {
      it(`elbow [${c.verdict}] ${c.name}`, () => check(Buffer.from(c.raw, 'latin1'), ownExpectation(c, mode)));
    }

    it('covers the whole corpus', () => {
      assert.ok(loadDesyncCorpus().length >= 150);
    });
  });
}
