// Well-behaved clients for the abuse suites: what a normal user sees while an attack goes on.

import { once } from 'node:events';
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import type { TestContext } from 'node:test';

export interface Answer {
  status: number;
  body: string;
}

/** One GET over a new HTTP/2 connection (node:http2, which honours the server's limits). */
export function h2Get(port: number, servername: string, ca: string, path: string, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = connect(`https://${servername}:${port}`, { ca, servername, host: '127.0.0.1', port } as never);
    session.on('error', reject);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`no answer to GET ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    const stream = session.request({ ':path': path });
    let status = 0;
    let body = '';
    stream.on('response', (headers) => { status = Number(headers[constants.HTTP2_HEADER_STATUS]); });
    stream.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
    stream.on('error', (error) => {
      clearTimeout(timer);
      session.destroy();
      reject(error);
    });
    stream.on('end', () => {
      clearTimeout(timer);
      session.close();
      resolve({ status, body });
    });
  });
}

/** An HTTP/2 connection (node:http2), connected, destroyed after the test. */
export async function h2Session(t: TestContext, port: number, servername: string, ca: string): Promise<ClientHttp2Session> {
  const session = connect(`https://${servername}:${port}`, { ca, servername, host: '127.0.0.1', port } as never);
  session.on('error', () => undefined);
  t.after(() => session.destroy());
  await once(session, 'connect');
  return session;
}
