// The request target and Host as elbow routes and forwards them. Forwarding policies must see
// what the member will act on, so what they see is also what the member gets:
// - absolute-form (`GET http://host/path`, RFC 9112 §3.2.2) becomes origin-form, and the target's
//   authority replaces Host;
// - the path is normalized the way Envoy's normalize_path + merge_slashes and HAProxy's
//   normalize-uri do: percent-encoded unreserved characters decoded, other escapes upper-cased,
//   dot segments resolved, repeated slashes merged, a fragment dropped;
// - what a member could still read differently is refused with 400: a bad escape, an encoded NUL,
//   a dot segment with parameters (`..;/`, Tomcat), an encoded or back slash that would make a dot
//   segment or an empty segment once a member decodes it (`..%2F`, `%2F%2F`), a bad Host.
// docs/api.md ("Request normalization") says the same for operators.

export interface RequestTarget {
  /** Normalized path ('*' for `OPTIONS *`) followed by '?' and the query when there is one. */
  readonly originForm: string;
  /** The authority of an absolute-form target, which replaces Host; undefined for origin-form. */
  readonly authority: string | undefined;
}

export type TargetResult = { readonly ok: true; readonly target: RequestTarget } | { readonly ok: false; readonly problem: string };

/** Characters that can make a path differ from its normalized form. */
const NEEDS_NORMALIZING = /%|\/\/|\/\.|\\|#/;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const HEX = /^[0-9A-Fa-f]{2}$/;
/** uri-host [":" port]: a reg-name (no escapes, `_` tolerated as DNS in practice does) or an IP literal. */
const HOST = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{0,5})?$/;
const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
/** Separators a member may decode into '/': %2F, %5C and a raw backslash. */
const HIDDEN_SLASH = /%2F|%5C|\\/;

function refuse(problem: string): TargetResult {
  return { ok: false, problem };
}

/** True when `value` is a valid Host header value (or authority): host[:port], '' allowed. */
export function isValidHost(value: string): boolean {
  return HOST.test(value);
}

/**
 * A request's target as elbow forwards it, or why it is refused. `http2`: the target is `:path`,
 * which must be origin-form (RFC 9113 §8.3.1).
 */
export function normalizeTarget(method: string, target: string, http2 = false): TargetResult {
  if (target === '*') return method === 'OPTIONS' ? { ok: true, target: { originForm: '*', authority: undefined } } : refuse(`"*" is a target for OPTIONS only`);
  let authority: string | undefined;
  let rest = target;
  if (!target.startsWith('/')) {
    const absolute = http2 ? undefined : splitAbsoluteForm(target);
    if (absolute === undefined) return refuse('the request target is not a path');
    if ('problem' in absolute) return refuse(absolute.problem);
    ({ authority, rest } = absolute);
  }
  const mark = rest.indexOf('?');
  let path = mark === -1 ? rest : rest.slice(0, mark);
  let query = mark === -1 ? null : rest.slice(mark + 1);
  // A fragment is never part of a request target (RFC 9112 §3.2); members would drop it.
  const fragment = (query ?? path).indexOf('#');
  if (fragment !== -1) {
    if (query === null) path = path.slice(0, fragment);
    else query = query.slice(0, fragment);
  }
  if (NEEDS_NORMALIZING.test(path)) {
    const normalized = normalizePath(path);
    if (!normalized.ok) return normalized;
    path = normalized.path;
  }
  return { ok: true, target: { originForm: query === null ? path : `${path}?${query}`, authority } };
}

/** An absolute-form target (HTTP/1 only) as its authority and the origin-form rest; undefined when it is not one. */
function splitAbsoluteForm(target: string): { authority: string; rest: string } | { problem: string } | undefined {
  const absolute = ABSOLUTE_FORM.exec(target);
  if (!absolute) return undefined;
  const scheme = (absolute[1] ?? '').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return { problem: `absolute-form target with scheme "${scheme}"` };
  const authority = absolute[2] ?? '';
  if (authority.includes('@')) return { problem: 'user information in the request target' };
  if (authority === '' || !isValidHost(authority)) return { problem: 'invalid authority in the request target' };
  const rest = absolute[3] ?? '';
  return { authority, rest: rest === '' || rest.startsWith('?') ? `/${rest}` : rest };
}

/** Percent-decodes unreserved characters, upper-cases other escapes; refuses bad ones and %00. */
function decodeUnreserved(path: string): { ok: true; path: string } | { ok: false; problem: string } {
  if (!path.includes('%')) return { ok: true, path };
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!HEX.test(hex)) return { ok: false, problem: 'invalid percent-encoding in the path' };
    const decoded = String.fromCharCode(parseInt(hex, 16));
    if (decoded === '\0') return { ok: false, problem: 'encoded NUL in the path' };
    out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return { ok: true, path: out };
}

/** '.' and '..', also with parameters (`..;x`), which Tomcat-style members treat as dot segments. */
function dotSegment(segment: string): 'dot' | 'dot-with-parameters' | null {
  if (segment === '.' || segment === '..') return 'dot';
  const semicolon = segment.indexOf(';');
  if (semicolon === -1) return null;
  const name = segment.slice(0, semicolon);
  return name === '.' || name === '..' ? 'dot-with-parameters' : null;
}

/** The normalized form of an origin-form path (starting with '/'), or why it is refused. */
export function normalizePath(raw: string): { ok: true; path: string } | { ok: false; problem: string } {
  const decoded = decodeUnreserved(raw);
  if (!decoded.ok) return decoded;
  const input = decoded.path.split('/');
  const output: string[] = [];
  // input[0] is '' (the path starts with '/'); the last segment decides the trailing slash.
  for (let i = 1; i < input.length; i++) {
    const segment = input[i] as string;
    const last = i === input.length - 1;
    const dot = dotSegment(segment);
    if (dot === 'dot-with-parameters') return { ok: false, problem: `dot segment with parameters ("${segment}") in the path` };
    if (dot === 'dot') {
      if (segment === '..') output.pop();
      if (last) output.push('');
      continue;
    }
    // Repeated slashes merge; a trailing slash stays.
    if (segment === '' && !last) continue;
    if (HIDDEN_SLASH.test(segment) && hidesSegment(segment)) {
      return { ok: false, problem: `an encoded slash or backslash in "${segment}" would change the path once decoded` };
    }
    output.push(segment);
  }
  return { ok: true, path: `/${output.join('/')}` };
}

/** A segment that turns into an empty or dot segment once %2F, %5C or '\' are read as '/'. */
function hidesSegment(segment: string): boolean {
  return segment.split(/%2F|%5C|\\/).some((piece) => piece === '' || dotSegment(piece) !== null);
}
