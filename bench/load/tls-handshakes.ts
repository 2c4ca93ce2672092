// Child program: full TLS handshakes per second. Each of --concurrency loops opens a TLS
// connection with no session to resume (Node's client only resumes when handed a session, and it
// is never handed one), sends one request with Connection: close, reads the response to its end,
// then starts over, until --duration ends. Unlike wrk, which keeps each connection's session and
// resumes it on reconnect, every connection here costs the server a full handshake.
// Prints one JSON line: {"completed", "failed", "seconds"}.
import tls from 'node:tls';
import { parseArgs } from 'node:util';
import { runConnectionLoops } from './connection-loops.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, duration: { type: 'string' }, concurrency: { type: 'string', default: '16' } } });
const port = Number(values.port);
const request = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';

runConnectionLoops(Number(values.concurrency), Number(values.duration) * 1000, (settle, closed) => {
  let head = '';
  // The self-signed certificate of the run is not verified: the handshake, not trust, is measured.
  const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
  socket.setTimeout(5000, () => socket.destroy());
  socket.once('secureConnect', () => socket.write(request));
  socket.on('data', (chunk: Buffer) => {
    if (head.length < 16) head += chunk.toString('latin1');
  });
  socket.once('end', () => {
    settle(head.startsWith('HTTP/1.1 200'));
    socket.end();
  });
  socket.on('error', () => settle(false));
  socket.once('close', closed);
});
