// A small client of elbow's Octavia-style REST API (design.md §3), on Node's global fetch.
import type { CliIo } from './cli-io.js';

export type ApiObject = Record<string, unknown> & { id: string };

/** An error answer of the API: `{"faultcode", "faultstring", "code"}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    faultstring: string,
  ) {
    super(faultstring);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  url: string;
  token: string | undefined;
  fetch: CliIo['fetch'];
}

export class ApiClient {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #fetch: CliIo['fetch'];

  constructor(options: ApiClientOptions) {
    this.#base = options.url.replace(/\/+$/, '');
    this.#token = options.token;
    this.#fetch = options.fetch;
  }

  get(path: string): Promise<unknown> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }

  put(path: string, body: unknown): Promise<unknown> {
    return this.request('PUT', path, body);
  }

  delete(path: string): Promise<unknown> {
    return this.request('DELETE', path);
  }

  /** Every item of a collection, following Octavia's `<plural>_links` rel=next pagination. */
  async listAll(path: string, plural: string): Promise<ApiObject[]> {
    const items: ApiObject[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const page = (await this.get(next)) as Record<string, unknown> | null;
      const list = page?.[plural];
      if (!Array.isArray(list)) throw new ApiError(0, 'BAD_RESPONSE', `GET ${next} did not return a "${plural}" list`);
      items.push(...(list as ApiObject[]));
      next = nextLink(page?.[`${plural}_links`], this.#base);
    }
    return items;
  }

  async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== undefined) headers['x-auth-token'] = this.#token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = `${this.#base}${path}`;
    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw new ApiError(0, 'UNREACHABLE', `cannot reach the API at ${this.#base}: ${cause}`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const fault = parsed as { faultstring?: unknown; code?: unknown } | undefined;
      const message = typeof fault?.faultstring === 'string' ? fault.faultstring : `${method} ${path} failed: HTTP ${response.status}`;
      const code = typeof fault?.code === 'string' ? fault.code : `HTTP_${response.status}`;
      throw new ApiError(response.status, code, message);
    }
    return parsed;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function nextLink(links: unknown, base: string): string | undefined {
  if (!Array.isArray(links)) return undefined;
  for (const link of links as { rel?: unknown; href?: unknown }[]) {
    if (link.rel === 'next' && typeof link.href === 'string') {
      if (link.href.startsWith(base)) return link.href.slice(base.length);
      const href = new URL(link.href, `${base}/`);
      return `${href.pathname}${href.search}`;
    }
  }
  return undefined;
}
