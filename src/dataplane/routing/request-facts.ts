// What forwarding rules may look at in a request. Built lazily from a parsed request so that a
// listener without policies pays nothing, and cookies/query are parsed at most once.

export interface ClientCertificateFacts {
  /** The TLS layer verified the client certificate against the listener's CA. */
  readonly verified: boolean;
  /** Subject DN fields (CN, O, OU, …) of the client certificate. */
  readonly subject: Readonly<Record<string, string | readonly string[] | undefined>>;
}

export interface RequestFacts {
  readonly method: string;
  /** Host header without the port, lower case; '' when absent. */
  readonly host: string;
  /** Path without the query string. */
  readonly path: string;
  /** Query string without the '?', '' when absent. */
  readonly query: string;
  readonly clientAddress: string;
  /** First value of a request header (name in any case), undefined when absent. */
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
  queryParam(name: string): string | undefined;
  /** null when the connection is not TLS or the client sent no certificate. */
  readonly clientCertificate: ClientCertificateFacts | null;
}

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Splits a request target into path and query. */
export function splitTarget(target: string): { path: string; query: string } {
  const mark = target.indexOf('?');
  return mark === -1 ? { path: target, query: '' } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

/**
 * Host header → host name without port (IPv6 literals keep their brackets), lower case, without
 * the trailing dot of a fully qualified name (`evil.example.` is the host `evil.example`).
 */
export function hostWithoutPort(host: string | undefined): string {
  if (host === undefined) return '';
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) {
    const end = lower.indexOf(']');
    return end === -1 ? lower : lower.slice(0, end + 1);
  }
  const colon = lower.lastIndexOf(':');
  const name = colon === -1 ? lower : lower.slice(0, colon);
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** Parses a Cookie header into name → first value. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined) return cookies;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (name !== '' && !cookies.has(name)) cookies.set(name, pair.slice(eq + 1).trim());
  }
  return cookies;
}

export function createRequestFacts(input: {
  method: string;
  target: string;
  headers: HeaderBag;
  clientAddress: string;
  clientCertificate?: ClientCertificateFacts | null;
}): RequestFacts {
  const { path, query } = splitTarget(input.target);
  const headers = input.headers;
  const header = (name: string): string | undefined => {
    const value = headers[name.toLowerCase()];
    return typeof value === 'string' ? value : value?.[0];
  };
  let cookies: Map<string, string> | undefined;
  let params: URLSearchParams | undefined;
  return {
    method: input.method,
    host: hostWithoutPort(header('host')),
    path,
    query,
    clientAddress: input.clientAddress,
    clientCertificate: input.clientCertificate ?? null,
    header,
    cookie(name) {
      cookies ??= parseCookies(header('cookie'));
      return cookies.get(name);
    },
    queryParam(name) {
      params ??= new URLSearchParams(query);
      return params.get(name) ?? undefined;
    },
  };
}
