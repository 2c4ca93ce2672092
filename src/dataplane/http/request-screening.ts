// Request smuggling defence for what Node's strict HTTP/1 parser lets through (it already rejects
// conflicting or malformed Content-Length / Transfer-Encoding, bad characters, obs-fold and
// oversized heads). What is left is classed as AWS's http-desync-guardian does:
// - severe: a member could frame or route it differently than Node did (two Host headers,
//   Transfer-Encoding in HTTP/1.0): refused with 400 in every mode;
// - ambiguous: framed unambiguously by Node, but a lenient member might read it otherwise (a GET
//   with a body, a header name that looks like Content-Length or Transfer-Encoding): what happens
//   depends on the listener's desync_mitigation_mode (request-handler.ts).

/** The framing headers, and names a lenient member might take for them (Transfer_Encoding, Content--Length). */
const FRAMING_NAMES = new Map([
  ['transferencoding', 'transfer-encoding'],
  ['contentlength', 'content-length'],
]);

const SHORTEST_FRAMING_NAME = Math.min(...[...FRAMING_NAMES.keys()].map((name) => name.length));

/** Methods whose request body has no defined meaning (RFC 9110 §9.3.1, §9.3.2). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

export interface ScreeningFinding {
  readonly severity: 'severe' | 'ambiguous';
  readonly reason: string;
}

const severe = (reason: string): ScreeningFinding => ({ severity: 'severe', reason });
const ambiguous = (reason: string): ScreeningFinding => ({ severity: 'ambiguous', reason });

interface FramingHeaders {
  readonly twoHosts: boolean;
  readonly transferEncoding: boolean;
  readonly contentLength: string | undefined;
  /** The first header name that looks like a framing header without being one. */
  readonly lookalike: string | null;
}

function readFraming(rawHeaders: readonly string[]): FramingHeaders {
  let transferEncoding = false;
  let contentLength: string | undefined;
  let hosts = 0;
  let lookalike: string | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    // RFC 9112 §3.2: more than one Host is a 400; members could pick different ones.
    if (name === 'host' && ++hosts > 1) return { twoHosts: true, transferEncoding, contentLength, lookalike };
    // Shorter names cannot spell a framing header, whatever they hold besides letters.
    if (name.length < SHORTEST_FRAMING_NAME) continue;
    const canonical = FRAMING_NAMES.get(name.replace(/[^a-z]/g, ''));
    if (canonical === undefined) continue;
    if (name !== canonical) lookalike ??= `header name "${rawHeaders[i]}" looks like ${canonical}`;
    else if (canonical === 'transfer-encoding') transferEncoding = true;
    else contentLength = (rawHeaders[i + 1] ?? '').trim();
  }
  return { twoHosts: false, transferEncoding, contentLength, lookalike };
}

/** What is wrong with the request (a severe finding before an ambiguous one), or null when nothing is. */
export function screenRequest(method: string, httpVersion: string, rawHeaders: readonly string[]): ScreeningFinding | null {
  const { twoHosts, transferEncoding, contentLength, lookalike } = readFraming(rawHeaders);
  if (twoHosts) return severe('more than one Host header');
  if (transferEncoding && (httpVersion === '1.0' || httpVersion === '0.9')) return severe(`Transfer-Encoding in an HTTP/${httpVersion} request`);
  if (contentLength !== undefined && httpVersion === '0.9') return severe('Content-Length in an HTTP/0.9 request');
  if (lookalike !== null) return ambiguous(lookalike);
  if (BODYLESS_METHODS.has(method) && (transferEncoding || (contentLength !== undefined && contentLength !== '0'))) {
    return ambiguous(`a ${method} request with a body (${transferEncoding ? 'Transfer-Encoding' : 'Content-Length'})`);
  }
  return null;
}
