// Child program: TCP connections per second. Each of --concurrency loops connects, sends a small
// payload, waits for its echo, closes, then starts over, until --duration ends. The client closes
// first so that TIME_WAIT stays with connecting sockets (reused on loopback, tcp_tw_reuse=2)
// rather than on the server, where a new SYN on the same ports would stall for a second.
// Prints one JSON line: {"completed", "failed", "seconds"}.
import net from 'node:net';
import { parseArgs } from 'node:util';
import { runConnectionLoops } from './connection-loops.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, duration: { type: 'string' }, concurrency: { type: 'string', default: '50' } } });
const port = Number(values.port);
const payload = Buffer.alloc(16, 'e');

runConnectionLoops(Number(values.concurrency), Number(values.duration) * 1000, (settle, closed) => {
  let received = 0;
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  socket.setTimeout(5000, () => socket.destroy());
  socket.once('connect', () => socket.write(payload));
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received < payload.length) return;
    settle(true);
    socket.end();
  });
  socket.on('error', () => settle(false));
  socket.once('close', closed);
});
