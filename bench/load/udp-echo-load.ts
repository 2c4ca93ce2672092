// Child program: UDP round trips per second and loss. --sockets client sockets each keep
// --window datagrams in flight; a reply frees its slot and sends the next one; a datagram without
// a reply after 200 ms counts as lost and frees its slot. Prints {"sent", "received", "seconds"}.
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    duration: { type: 'string' },
    sockets: { type: 'string', default: '4' },
    window: { type: 'string', default: '32' },
    size: { type: 'string', default: '64' },
  },
});
const port = Number(values.port);
const durationMs = Number(values.duration) * 1000;
const windowSize = Number(values.window);
const size = Number(values.size);
const LOST_AFTER_MS = 200;
const started = performance.now();
const deadline = started + durationMs;
let sent = 0;
let received = 0;

function client(): { close(): void } {
  const socket = dgram.createSocket('udp4');
  const inFlight = new Map<number, number>();
  let seq = 0;
  const send = (): void => {
    if (performance.now() >= deadline) return;
    seq = (seq + 1) >>> 0;
    const message = Buffer.alloc(size);
    message.writeUInt32BE(seq, 0);
    inFlight.set(seq, performance.now());
    sent += 1;
    socket.send(message, port, '127.0.0.1');
  };
  socket.on('message', (message) => {
    if (message.length < 4 || !inFlight.delete(message.readUInt32BE(0))) return;
    received += 1;
    send();
  });
  socket.on('error', () => undefined);
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [id, at] of inFlight) {
      if (now - at < LOST_AFTER_MS) break;
      inFlight.delete(id);
      send();
    }
  }, 20);
  socket.bind(0, '127.0.0.1', () => {
    for (let i = 0; i < windowSize; i += 1) send();
  });
  return {
    close: () => {
      clearInterval(sweep);
      socket.close();
    },
  };
}

const clients = Array.from({ length: Number(values.sockets) }, client);
// Replies still on their way at the deadline get the loss timeout to arrive.
setTimeout(() => {
  const seconds = (deadline - started) / 1000;
  for (const c of clients) c.close();
  process.stdout.write(`${JSON.stringify({ sent, received, seconds })}\n`);
}, durationMs + LOST_AFTER_MS);
