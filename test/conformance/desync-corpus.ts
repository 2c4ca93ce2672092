// Loads AWS http-desync-guardian's corpus (shared/conformance/http-desync-guardian/*.yaml) and
// turns each case into the raw bytes a client would write: request line, the case's headers in
// order (a Host header first when the case has none, since HTTP/1.1 requires one), then a body
// that matches the framing when the framing is unambiguous, so that a forwarded request is
// complete and a rejected one is not rejected merely for a missing body. Also what elbow expects
// of each case (forwarded, or refused with a status), shared by the conformance test and the
// behaviour suite's run on both engines.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { DesyncMitigationMode } from '../../src/model/types.js';

export type DesyncTier = 'Compliant' | 'Acceptable' | 'Ambiguous' | 'Severe';

export interface DesyncCase {
  readonly file: string;
  readonly name: string;
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly tier: DesyncTier;
  readonly reason: string;
}

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/conformance/http-desync-guardian/', import.meta.url));

interface RawCase {
  name: string;
  uri: string;
  method: string;
  version: string | null;
  headers: { name: string | number; value: string | number | null }[] | null;
  expected: { tier: DesyncTier; reason: string };
}

export function loadDesyncCorpus(dir = CORPUS_DIR): DesyncCase[] {
  const cases: DesyncCase[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const raw = parse(readFileSync(join(dir, file), 'utf8')) as RawCase[] | null;
    for (const c of raw ?? []) {
      cases.push({
        file,
        name: c.name,
        method: c.method,
        uri: c.uri,
        version: c.version ?? '',
        headers: (c.headers ?? []).map((h) => ({ name: String(h.name), value: h.value === null ? '' : String(h.value) })),
        tier: c.expected.tier,
        reason: c.expected.reason,
      });
    }
  }
  return cases;
}

/** The body that completes an unambiguously framed request ('' when there is none). */
function bodyFor(c: DesyncCase): string {
  const lengths = c.headers.filter((h) => /^content-length$/i.test(h.name));
  const codings = c.headers.filter((h) => /^transfer-encoding$/i.test(h.name)).flatMap((h) => h.value.split(','));
  if (lengths.length === 0 && codings.length > 0) {
    const last = codings[codings.length - 1]?.split(';')[0]?.trim().toLowerCase();
    return last === 'chunked' ? '0\r\n\r\n' : '';
  }
  const value = lengths[0]?.value.trim() ?? '';
  return lengths.length === 1 && codings.length === 0 && /^\d{1,7}$/.test(value) ? 'x'.repeat(Number(value)) : '';
}

/** Characters up to U+00FF are written as one byte (the corpus's \xNN); others as UTF-8. */
function encode(text: string): Buffer {
  return Buffer.concat([...text].map((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code <= 0xff ? Buffer.from([code]) : Buffer.from(ch, 'utf8');
  }));
}

export function rawRequest(c: DesyncCase): Buffer {
  const line = c.version === '' ? `${c.method} ${c.uri}\r\n` : `${c.method} ${c.uri} ${c.version}\r\n`;
  const hasHost = c.headers.some((h) => h.name.toLowerCase() === 'host');
  const headers = (hasHost ? '' : 'Host: localhost\r\n') + c.headers.map((h) => `${h.name}: ${h.value}\r\n`).join('');
  return encode(`${line}${headers}\r\n${bodyFor(c)}`);
}

/**
 * Compliant/Acceptable cases Node's strict parser (llhttp, never insecureHTTPParser) refuses with
 * 400 before elbow sees them. Stricter than the corpus, never less safe; each is invalid per RFC 9110/9112.
 */
export const STRICTER_THAN_CORPUS: Readonly<Record<string, string>> = {
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

const parser = (code: string): string => `Node's parser refuses it before elbow sees it (${code})`;
const severe = (reason: string): string => `elbow classes it severe: ${reason}`;

/**
 * Ambiguous cases the Node engine refuses with 400 in every mode: Node's parser (llhttp) refuses most before elbow
 * sees them; elbow classes Transfer-Encoding or Content-Length in HTTP/1.0 and 0.9 requests as
 * severe (an old member may ignore Transfer-Encoding and read the body as the next request).
 * Stricter than the corpus, which allows either answer for Ambiguous.
 */
export const PARSER_REFUSES_AMBIGUOUS: Readonly<Record<string, string>> = {
  "Bad URI does not shadow essential ambiguous headers": parser('HPE_INVALID_HEADER_TOKEN'),
  "Both Transfer-Encoding and Content-Length": parser('HPE_INVALID_CONTENT_LENGTH'),
  "Both Transfer-Encoding:chunked and Content-Length": parser('HPE_INVALID_CONTENT_LENGTH'),
  "Chunks Priority on Content-Length": parser('HPE_INVALID_TRANSFER_ENCODING'),
  "Chunks Priority on Content-Length.1": parser('HPE_INVALID_CONTENT_LENGTH'),
  "Content-Length for HTTP/0.9": severe('Content-Length in an HTTP/0.9 request'),
  "Content-Length for empty protocol, which is HTTP/0.9": severe('Content-Length in an HTTP/0.9 request'),
  "Content-Length with UTF8 spaces": parser('HPE_INVALID_HEADER_TOKEN'),
  "Content-Length with arbitrary non-ASCII chars": parser('HPE_INVALID_HEADER_TOKEN'),
  "Content-Length\\x01": parser('HPE_INVALID_HEADER_TOKEN'),
  "Duplicate Content-Length": parser('HPE_UNEXPECTED_CONTENT_LENGTH'),
  "Empty header name": parser('HPE_INVALID_HEADER_TOKEN'),
  "HTTP Version.1.0 and TE": severe('Transfer-Encoding in an HTTP/1.0 request'),
  "Header name starts with :": parser('HPE_INVALID_HEADER_TOKEN'),
  "Mixed case": parser('HPE_INVALID_CONTENT_LENGTH'),
  "Multiple transfer encoding headers in a single request": parser('HPE_INVALID_CONTENT_LENGTH'),
  "Non-compliant customer header does not shadow ambiguous Content-Length for HEAD": parser('HPE_INVALID_HEADER_TOKEN'),
  "Non-compliant customer header does not shadow ambiguous Transfer-Encoding for GET": parser('HPE_INVALID_HEADER_TOKEN'),
  "Only white-spaces header name": parser('HPE_INVALID_HEADER_TOKEN'),
  "Send small (1614 bytes) request, transfer encoded request": parser('HPE_INVALID_CONTENT_LENGTH'),
  "Transfer-Encoding Latin Small Letter Dotless I": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding Latin Small Letter Long S": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding for HTTP/0.9": severe('Transfer-Encoding in an HTTP/0.9 request'),
  "Transfer-Encoding for HTTP/1.0": severe('Transfer-Encoding in an HTTP/1.0 request'),
  "Transfer-Encoding for empty protocol, which is HTTP/0.9": severe('Transfer-Encoding in an HTTP/0.9 request'),
  "Transfer-Encoding with UTF8 spaces": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding with a UTF8 delimiter": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding with a space in the middle": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding with a trailing space in name": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding with a trailing tab in name": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding with arbitrary non-ASCII chars": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding: identity and Content-Length": parser('HPE_INVALID_CONTENT_LENGTH'),
  "Transfer-Encoding[tab]: chunked": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding[white-space] and Content-Length": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding[white-space] and Content-Length[white-space]": parser('HPE_INVALID_HEADER_TOKEN'),
  "Transfer-Encoding\\x01": parser('HPE_INVALID_HEADER_TOKEN'),
  "Two Identical Fields - CL": parser('HPE_UNEXPECTED_CONTENT_LENGTH'),
  "[white-space]Transfer-Encoding and Content-Length": parser('HPE_INVALID_HEADER_TOKEN'),
  "[white-space]Transfer-Encoding and [white-space]Content-Length": parser('HPE_INVALID_HEADER_TOKEN'),
  "\\t in URI": parser('HPE_INVALID_URL'),
  "\\x01 in URI": parser('HPE_INVALID_URL'),
  "\\x01Content-Length with a non-printable character": parser('HPE_INVALID_HEADER_TOKEN'),
  "\\x01Content-Length": parser('HPE_INVALID_HEADER_TOKEN'),
  "\\x01Transfer-Encoding with a non-printable character": parser('HPE_INVALID_HEADER_TOKEN'),
  "\\x01Transfer-Encoding": parser('HPE_INVALID_HEADER_TOKEN'),
  "\\x01\\x01Content-Length with a non-printable character": parser('HPE_INVALID_HEADER_TOKEN'),
  "\\x01\\x01Transfer-Encoding with a non-printable character": parser('HPE_INVALID_HEADER_TOKEN'),
};

/**
 * forward: the member gets it and answers; close: whether both connections end after the answer
 * (an ambiguous request in defensive mode) or are kept (monitor mode), undefined: not checked.
 */
export type Expectation = { forward: true; close?: boolean } | { forward: false; status: number };
/** What a request is to the Node engine, whatever the mode: forwarded, ambiguous, or refused. */
export type Verdict = 'forward' | 'ambiguous' | 'reject';

export const DESYNC_MODES: readonly DesyncMitigationMode[] = ['defensive', 'strictest', 'monitor'];

export function verdictFor(c: DesyncCase): Verdict {
  if ((c.tier === 'Compliant' || c.tier === 'Acceptable') && STRICTER_THAN_CORPUS[c.name] === undefined) return 'forward';
  if (c.tier === 'Ambiguous' && PARSER_REFUSES_AMBIGUOUS[c.name] === undefined) return 'ambiguous';
  return 'reject';
}

/** What a listener in `mode` (AWS ALB's desync mitigation modes) does with a request of that verdict. */
export function expectationFor(c: DesyncCase | Verdict, mode: DesyncMitigationMode = 'defensive'): Expectation {
  const verdict = typeof c === 'string' ? c : verdictFor(c);
  if (verdict === 'forward') return { forward: true };
  if (verdict === 'reject' || mode === 'strictest') return { forward: false, status: 400 };
  return { forward: true, close: mode === 'defensive' };
}

/** elbow's own vectors, beyond the corpus. */
export const OWN_CASES: readonly { name: string; raw: string; verdict: Verdict; status?: number }[] = [
  { name: 'CL and TE (lower case)', raw: 'POST / HTTP/1.1\r\nHost: x\r\ncontent-length: 6\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\nX', verdict: 'reject' },
  { name: 'TE with chunked not last', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n', verdict: 'reject' },
  { name: 'TE chunked twice in two headers', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', verdict: 'reject' },
  { name: 'duplicate identical Content-Length', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello', verdict: 'reject' },
  { name: 'Content-Length with a sign', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello', verdict: 'reject' },
  { name: 'negative Content-Length', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', verdict: 'reject' },
  { name: 'obs-fold continuation line', raw: 'GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n', verdict: 'reject' },
  { name: 'bare LF line endings in the head', raw: 'GET / HTTP/1.1\nHost: x\n\n', verdict: 'reject' },
  { name: 'bare CR inside a value', raw: 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rTransfer-Encoding: chunked\r\n\r\n', verdict: 'reject' },
  { name: 'vertical tab before chunked', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n', verdict: 'reject' },
  { name: 'chunk size in 0x notation', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n', verdict: 'reject' },
  { name: 'GET with a Content-Length body', raw: 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', verdict: 'ambiguous' },
  { name: 'GET with a chunked body (Elasticsearch _search)', raw: 'GET /_search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', verdict: 'ambiguous' },
  { name: 'HEAD with a Content-Length body', raw: 'HEAD / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', verdict: 'ambiguous' },
  { name: 'Content_Length lookalike beside a real Content-Length', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent_Length: 0\r\nContent-Length: 5\r\n\r\nhello', verdict: 'ambiguous' },
  { name: 'a lookalike name and two Host headers: severe wins', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent_Length: 0\r\nHost: y\r\nContent-Length: 5\r\n\r\nhello', verdict: 'reject' },
  { name: 'Transfer-Encoding in HTTP/1.0', raw: 'POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', verdict: 'reject' },
  { name: 'two Host headers', raw: 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', verdict: 'reject' },
  { name: 'HTTP/1.1 without Host', raw: 'GET / HTTP/1.1\r\nX-A: 1\r\n\r\n', verdict: 'reject' },
  { name: 'oversized header', raw: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17_000)}\r\n\r\n`, verdict: 'reject', status: 431 },
  { name: 'oversized request line', raw: `GET /${'u'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, verdict: 'reject', status: 431 },
  { name: 'NUL in the request-target', raw: 'GET /a\x00b HTTP/1.1\r\nHost: x\r\n\r\n', verdict: 'reject' },
  { name: 'valid chunked POST is forwarded', raw: 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', verdict: 'forward' },
  { name: 'valid Content-Length POST is forwarded', raw: 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello', verdict: 'forward' },
];


/** An own case's expectation in `mode`. */
export function ownExpectation(c: (typeof OWN_CASES)[number], mode: DesyncMitigationMode = 'defensive'): Expectation {
  return c.status === undefined ? expectationFor(c.verdict, mode) : { forward: false, status: c.status };
}
