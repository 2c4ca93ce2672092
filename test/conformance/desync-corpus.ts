// Loads AWS http-desync-guardian's corpus (shared/conformance/http-desync-guardian/*.yaml) and
// turns each case into the raw bytes a client would write: request line, the case's headers in
// order (a Host header first when the case has none, since HTTP/1.1 requires one), then a body
// that matches the framing when the framing is unambiguous, so that a forwarded request is
// complete and a rejected one is not rejected merely for a missing body.

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
