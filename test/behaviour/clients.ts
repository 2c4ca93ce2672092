// Real clients for the behaviour suite, shared by its files: curl, a TCP echo round trip that
// keeps the client's side open until the member answers, and raw HTTP over a socket.

import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/**
 * Writes `text` through a TCP listener, waits for as many bytes back, then closes. The client
 * half-closes only after the member answered: HAProxy drops a client that half-closes before the
 * member connection is up (termination state CC), which is not what this checks.
 */
export function echoRoundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.length >= text.length) socket.end();
    });
    socket.on('close', () => resolve(reply));
    socket.once('connect', () => socket.write(text));
  });
}

export interface CurlAnswer {
  readonly status: number;
  readonly body: string;
  /** Response header names in lower case → values (the last one of a repeated header). */
  readonly headers: Readonly<Record<string, string>>;
  readonly httpVersion: string;
}

const MARK = '\n--elbow-curl-meta--';

/** curl with `args` (URL included): the status, body, headers and HTTP version of the answer. */
export async function curl(args: readonly string[]): Promise<CurlAnswer> {
  const { stdout } = await run('curl', ['-sS', '-m', '20', '-D', '-', '-w', `${MARK}%{http_code} %{http_version}`, ...args], { maxBuffer: 16 * 1024 * 1024 });
  const at = stdout.lastIndexOf(MARK);
  const [status = '0', httpVersion = ''] = stdout.slice(at + MARK.length).split(' ');
  let rest = stdout.slice(0, at);
  let head = '';
  // Header blocks come first (1xx ones, then the final one), each ending with an empty line.
  while (rest.startsWith('HTTP/')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    head = rest.slice(0, end);
    rest = rest.slice(end + 4);
    if (!/^HTTP\/\S+ 1\d\d/.test(head)) break;
  }
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(status), body: rest, headers, httpVersion };
}

/** One connection from `localAddress` (and `localPort` when given): the member's name. */
export function whoAnswers(port: number, localAddress = '127.0.0.1', localPort?: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress, ...(localPort !== undefined ? { localPort } : {}), allowHalfOpen: true });
    let reply = '';
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    // The member closes first; the client's side follows (so no TIME_WAIT is left on the client's port).
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve(reply));
  });
}
