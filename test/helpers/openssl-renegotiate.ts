// Client-initiated TLS 1.2 renegotiation as an operator tries it: `openssl s_client -tls1_2`, then
// `R` once the handshake is done. Returns what s_client printed once the server has answered the
// renegotiation (refused, or a second handshake done) or s_client has exited.

import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { eventually } from './abuse-member.js';

export async function tryRenegotiation(t: TestContext, port: number, servername: string, caFile: string): Promise<string> {
  const client = spawn('openssl', ['s_client', '-tls1_2', '-connect', `127.0.0.1:${port}`, '-servername', servername, '-CAfile', caFile], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => client.kill());
  let output = '';
  client.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
  client.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
  let exited = false;
  client.once('exit', () => { exited = true; });
  await eventually(() => output.includes('Verify return code: 0') || exited, 'the handshake', () => output);
  client.stdin.write('R\n');
  await eventually(() => /no renegotiation|RENEGOTIATING[\s\S]*verify return/.test(output) || exited, 'the server to answer the renegotiation', () => output);
  return output;
}
