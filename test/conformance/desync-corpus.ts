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

export type Expectation = { forward: true } | { forward: false; status: number };

export function expectationFor(c: DesyncCase): Expectation {
  if ((c.tier === 'Compliant' || c.tier === 'Acceptable') && STRICTER_THAN_CORPUS[c.name] === undefined) return { forward: true };
  return { forward: false, status: 400 };
}

/** elbow's own vectors, beyond the corpus. */
export const OWN_CASES: readonly { name: string; raw: string; expect: Expectation }[] = [
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
