// `--api HOST:PORT` (IPv6 as `[::1]:9876`), and the URL the API is reachable at.

export const DEFAULT_API_ADDRESS = '127.0.0.1:9876';

export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new Error(`invalid --api address "${text}": expected HOST:PORT, e.g. ${DEFAULT_API_ADDRESS} or [::1]:9876 (port 0 picks a free one)`);
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

export function urlOf({ host, port }: ListenAddress): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
