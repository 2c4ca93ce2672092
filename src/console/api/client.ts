// The console's only way to the server: the public REST API with the token from sign-in
// (kept in sessionStorage, so it lasts as long as the tab), sent as X-Auth-Token.

const TOKEN_KEY = 'elbow.token';
export const API = '/v2/lbaas';
/** Octavia's own prefix, where its amphorae are (the elbow nodes serving each load balancer). */
export const OCTAVIA_API = '/v2/octavia';

export type ApiObject = Record<string, unknown> & { id: string };

/** An API error: design.md §3's JSON, with the field it is about when the API names one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Called on every 401, to send the operator back to sign-in. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export function authHeaders(): Record<string, string> {
  const value = token.get();
  return value === null ? {} : { 'X-Auth-Token': value };
}

export async function request<T = unknown>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { ...authHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { faultstring?: string; code?: string; field?: string };
    if (response.status === 401) onUnauthorized();
    throw new ApiError(response.status, error.code ?? 'HTTP_' + response.status, error.faultstring ?? `${response.status} ${response.statusText}`, error.field);
  }
  return parsed as T;
}

/** Checks a token against the API without keeping it. */
export async function tokenWorks(candidate: string): Promise<boolean> {
  const response = await fetch(`${API}/loadbalancers?limit=1`, { headers: { 'X-Auth-Token': candidate } });
  return response.ok;
}

export const api = {
  list: async (collection: string, query: Record<string, string> = {}, prefix = API): Promise<ApiObject[]> => {
    const search = new URLSearchParams(query).toString();
    const answer = await request<Record<string, ApiObject[]>>('GET', `${prefix}/${collection}${search ? `?${search}` : ''}`);
    const list = Object.entries(answer).find(([key]) => !key.endsWith('_links'))?.[1];
    return list ?? [];
  },
  show: async (path: string, prefix = API): Promise<ApiObject> => {
    const answer = await request<Record<string, ApiObject>>('GET', `${prefix}/${path}`);
    return Object.values(answer)[0] as ApiObject;
  },
  create: async (collection: string, singular: string, body: Record<string, unknown>): Promise<ApiObject> =>
    (await request<Record<string, ApiObject>>('POST', `${API}/${collection}`, { [singular]: body }))[singular] as ApiObject,
  update: async (path: string, singular: string, body: Record<string, unknown>): Promise<ApiObject> =>
    (await request<Record<string, ApiObject>>('PUT', `${API}/${path}`, { [singular]: body }))[singular] as ApiObject,
  remove: (path: string, query = ''): Promise<void> => request('DELETE', `${API}/${path}${query}`),
};
