// Child program: TCP connections per second. Each of --concurrency loops connects, sends a small
// payload, waits for its echo, closes, then starts over, until --duration ends. The client closes
// first so that TIME_WAIT stays with connecting sockets (reused on loopback, tcp_tw_reuse=2)
// rather than on the server, where a new SYN on the same ports would stall for a second.
// Prints one JSON line: {"completed", "failed", "seconds"}.
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, duration: { type: 'string' }, concurrency: { type: 'string', default: '50' } } });
const port = Number(values.port);
const durationMs = Number(values.duration) * 1000;
const concurrency = Number(values.concurrency);
const payload = Buffer.alloc(16, 'e');
const started = performance.now();
const deadline = started + durationMs;
let completed = 0;
let failed = 0;
let active = 0;

function connectOnce(): void {
  if (performance.now() >= deadline) {
    active -= 1;
    if (active === 0) {
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(`${JSON.stringify({ completed, failed, seconds })}\n`);
    }
    return;
  }
  let received = 0;
  let settled = false;
  const settle = (ok: boolean): void => {
    if (settled) return;
    settled = true;
    if (ok) completed += 1;
    else failed += 1;
  };
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
  socket.once('close', () => {
    settle(false);
    connectOnce();
  });
}

for (let i = 0; i < concurrency; i += 1) {
  active += 1;
  connectOnce();
}
