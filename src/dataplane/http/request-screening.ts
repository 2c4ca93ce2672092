// Request smuggling defence for what Node's strict HTTP/1 parser lets through (it already rejects
// conflicting or malformed Content-Length / Transfer-Encoding, bad characters, obs-fold and
// oversized heads). These are the requests AWS's http-desync-guardian classifies as Ambiguous:
// a member could frame them differently than Node did. elbow rejects them with 400 and closes.

/** The framing headers, and names a lenient member might take for them (Transfer_Encoding, Content--Length). */
const FRAMING_NAMES = new Map([
  ['transferencoding', 'transfer-encoding'],
  ['contentlength', 'content-length'],
]);

const SHORTEST_FRAMING_NAME = Math.min(...[...FRAMING_NAMES.keys()].map((name) => name.length));

/** Methods whose request body has no defined meaning (RFC 9110 §9.3.1, §9.3.2). */
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

/** Why the request must not be forwarded, or null when it may be. */
export function screenRequest(method: string, httpVersion: string, rawHeaders: readonly string[]): string | null {
  let transferEncoding = false;
  let contentLength: string | undefined;
  let hosts = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    // RFC 9112 §3.2: more than one Host is a 400; members could pick different ones.
    if (name === 'host' && ++hosts > 1) return 'more than one Host header';
    // Shorter names cannot spell a framing header, whatever they hold besides letters.
    if (name.length < SHORTEST_FRAMING_NAME) continue;
    const canonical = FRAMING_NAMES.get(name.replace(/[^a-z]/g, ''));
    if (canonical === undefined) continue;
    if (name !== canonical) return `header name "${rawHeaders[i]}" looks like ${canonical}`;
    if (canonical === 'transfer-encoding') transferEncoding = true;
    else contentLength = (rawHeaders[i + 1] ?? '').trim();
  }
  if (transferEncoding && (httpVersion === '1.0' || httpVersion === '0.9')) return `Transfer-Encoding in an HTTP/${httpVersion} request`;
  if (contentLength !== undefined && httpVersion === '0.9') return 'Content-Length in an HTTP/0.9 request';
  if (BODYLESS_METHODS.has(method) && (transferEncoding || (contentLength !== undefined && contentLength !== '0'))) {
    return `a ${method} request with a body (${transferEncoding ? 'Transfer-Encoding' : 'Content-Length'})`;
  }
  return null;
}
