// Request smuggling on both engines: every case of AWS's http-desync-guardian corpus and elbow's
// own (test/conformance/desync-corpus.ts), written as raw bytes to an HTTP listener whose member
// records every byte and request that reaches it. The Node engine meets the conformance test's
// verdicts: Compliant and Acceptable forwarded, the rest refused with the status given, the
// connection closed, nothing forwarded. HAProxy 2.6 decides otherwise on the cases listed in
// HAPROXY_VERDICTS (each with why): refused with another status, or forwarded re-framed; the
// latter are held to what prevents smuggling: the member completes no more requests than the
// client was answered (one, at least), each framed one way only (never both Content-Length and
// Transfer-Encoding, one length).

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { expectationFor, loadDesyncCorpus, OWN_CASES, ownExpectation, rawRequest, STRICTER_THAN_CORPUS, type Expectation } from '../conformance/desync-corpus.js';
import { eventually, freePort, makeListener, makeMember, makePool, makeSnapshot } from '../unit/dataplane/support.js';
import { applyServing, engineForSuite, forEachEngine } from './engines.js';

const REFRAMED = 'HAProxy 2.6 forwards it as one request framed its own way (its parser tolerates the oddity, drops or merges the ambiguous field, and writes the head anew): the member cannot read it differently';
const NON_CHUNKED = 'HAProxy 2.6 refuses a transfer coding other than chunked (identity, gzip) with 422';
const HEAD_LIMITS = 'HAProxy 2.6 answers 400, not 431, to a head over its buffer';

type HaproxyVerdict = { readonly refused: number; readonly why: string } | { readonly refused?: undefined; readonly why: string };

/** Where HAProxy 2.6 decides otherwise than the Node engine, case by case (DIFFERENCES.md sums them up). */
const HAPROXY_VERDICTS: Readonly<Record<string, HaproxyVerdict>> = {
  'Empty version, which means HTTP/0.9': { refused: 400, why: 'HAProxy 2.6 does not speak HTTP/0.9' },
  'Compliant URL': { refused: 400, why: 'HAProxy 2.6 refuses characters RFC 3986 leaves out of a request-target ("{}|`^ and a fragment)' },
  'Correct TE OK': { refused: 422, why: NON_CHUNKED },
  'Transfer-Encoding: identity and chunked OK': { refused: 422, why: NON_CHUNKED },
  'Multiple transfer encoding headers in a single request OK': { refused: 422, why: NON_CHUNKED },
  'Multiple transfer encoding headers in a single request': { refused: 422, why: NON_CHUNKED },
  'Different Transfer-Encoding headers': { refused: 422, why: NON_CHUNKED },
  'Different Transfer-Encoding headers combined': { refused: 422, why: NON_CHUNKED },
  'oversized header': { refused: 400, why: HEAD_LIMITS },
  'oversized request line': { refused: 400, why: HEAD_LIMITS },
  ...Object.fromEntries([
    'Unknown but OK HTTP/1.2', 'Transfer_Encoding with underscore.', 'Content_Length with underscore.', 'Duplicate Content-Length',
    'Both Transfer-Encoding:chunked and Content-Length', 'Both Transfer-Encoding and Content-Length', '[white-space]Transfer-Encoding and Content-Length',
    '[white-space]Transfer-Encoding and [white-space]Content-Length', 'Only white-spaces header name', 'Transfer-Encoding for HTTP/0.9', 'Content-Length for HTTP/0.9',
    'Transfer-Encoding with multiple hyphens', 'Transfer-Encoding with multiple delimiters', 'Transfer-Encoding with UTF8 spaces', 'Two Identical Fields - CL',
    'Chunks Priority on Content-Length', 'Chunks Priority on Content-Length.1', 'Send small (1614 bytes) request, transfer encoded request',
    'Bad Content-Length: 1000,1000', 'Multiline headers are deprecated', 'Multiline headers are deprecated (with \\n only)', 'Http Engine missed LF',
    '\\n in value is bad', '[white-space]Content-Length and Content-Length', 'Request Smuggling in URI',
    'CL and TE (lower case)', 'duplicate identical Content-Length', 'obs-fold continuation line', 'bare LF line endings in the head',
  ].map((name) => [name, { why: REFRAMED }])),
};

/**
 * When the client half-closes: never (the engine must close), at once after the request, or once
 * the first answer bytes arrive (HAProxy answers 400 to a client that half-closes right after a
 * body larger than its buffer, before the member answered: see DIFFERENCES.md).
 */
type HalfClose = 'never' | 'at-once' | 'after-answer';

/** Writes `bytes` on a new connection and collects everything until the engine closes it (or 10 s pass). */
function sendRaw(port: number, bytes: Buffer, halfClose: HalfClose): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (halfClose === 'after-answer') socket.end();
    });
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, 10_000);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedByServer: true });
    });
    socket.write(bytes);
    if (halfClose === 'at-once') socket.end();
  });
}

interface SeenAtMember {
  bytes: number;
  /** Requests the member read to their end (and answered). */
  completed: IncomingHttpHeaders[];
  open: number;
}

forEachEngine('HTTP desync corpus', (engine) => {
  const running = engineForSuite(engine);
  let port = 0;
  const seen: SeenAtMember = { bytes: 0, completed: [], open: 0 };
  const member = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.completed.push(req.headers);
      res.end('forwarded');
    });
  });
  member.on('connection', (socket) => {
    seen.open++;
    socket.on('data', (chunk: Buffer) => (seen.bytes += chunk.length));
    socket.on('close', () => seen.open--);
  });

  before(async () => {
    member.listen(0, '127.0.0.1');
    await once(member, 'listening');
    port = await freePort();
    const pool = makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: (member.address() as AddressInfo).port })] });
    await applyServing(running(), makeSnapshot(1, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'p' })], [pool]));
  });
  after(() => {
    member.closeAllConnections();
    member.close();
  });

  /**
   * Sends one case: what the client got, and what reached the member. The client's connection is
   * closed by then, so the engine is done with the case: the member's connections are closed
   * (kept-alive ones, or one left waiting for a body that never came) before the next case.
   */
  async function exchange(raw: Buffer, halfClose: HalfClose): Promise<{ text: string; closedByServer: boolean; bytes: number; completed: IncomingHttpHeaders[] }> {
    seen.bytes = 0;
    seen.completed = [];
    const outcome = await sendRaw(port, raw, halfClose);
    member.closeAllConnections();
    await eventually('the member connections of this case closed', () => seen.open === 0);
    return { ...outcome, bytes: seen.bytes, completed: seen.completed };
  }

  async function check(raw: Buffer, expect: Expectation): Promise<void> {
    if (expect.forward) {
      const { text, completed } = await exchange(raw, 'after-answer');
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n/, 'forwarded and answered by the member');
      assert.equal(completed.length, 1, 'the member saw exactly one request');
    } else {
      const { text, closedByServer, bytes } = await exchange(raw, 'never');
      assert.match(text, new RegExp(`^HTTP/1\\.1 ${expect.status} `), `answered ${expect.status}`);
      assert.ok(closedByServer, 'the client connection is closed');
      assert.equal(bytes, 0, 'nothing reached the member');
    }
  }

  /**
   * What prevents smuggling, for the cases HAProxy decides otherwise: the member completes no
   * request but the one the client sent (or, where HAProxy itself read two pipelined requests and
   * answered both, those two), each framed one way only.
   */
  async function checkNotSmuggled(raw: Buffer): Promise<void> {
    const { text, completed } = await exchange(raw, 'at-once');
    const answers = text.match(/HTTP\/1\.1 \d{3} /g)?.length ?? 0;
    assert.ok(completed.length <= Math.max(1, answers), `the member completed ${completed.length} requests; the client got ${answers} answers`);
    for (const headers of completed) {
      assert.ok(headers['transfer-encoding'] === undefined || headers['content-length'] === undefined, 'never both framings');
      assert.ok(headers['content-length'] === undefined || /^\d+$/.test(headers['content-length']), 'one length');
    }
  }

  const verdict = (expect: Expectation): string => (expect.forward ? 'forwarded' : String(expect.status));
  const test = (title: string, name: string, raw: Buffer, nodeVerdict: Expectation): void => {
    const haproxy = engine.name === 'haproxy' ? HAPROXY_VERDICTS[name] : undefined;
    if (haproxy === undefined) {
      const stricter = STRICTER_THAN_CORPUS[name];
      it(`${title} → ${verdict(nodeVerdict)}${stricter ? ` (stricter: ${stricter})` : ''}`, () => check(raw, nodeVerdict));
    } else if (haproxy.refused !== undefined) {
      const refused: Expectation = { forward: false, status: haproxy.refused };
      it(`${title} → ${haproxy.refused} (haproxy: ${haproxy.why})`, () => check(raw, refused));
    } else {
      it(`${title} → not smuggled (haproxy: ${haproxy.why})`, () => checkNotSmuggled(raw));
    }
  };
  for (const c of loadDesyncCorpus()) test(`${c.file} [${c.tier}] ${c.name}`, c.name, rawRequest(c), expectationFor(c));
  for (const c of OWN_CASES) test(`elbow [${c.verdict}] ${c.name}`, c.name, Buffer.from(c.raw, 'latin1'), ownExpectation(c));
}, { timeout: 600_000 });
