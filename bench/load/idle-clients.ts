// Child program: opens --count TCP connections to --port and holds them. Reports
// {type: 'ready', open, failed} over IPC once every attempt has settled; exits when the parent goes.
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' }, count: { type: 'string' } } });
const port = Number(values.port);
const count = Number(values.count);
const PARALLEL_CONNECTS = 256;
const sockets: net.Socket[] = [];
let open = 0;
let failed = 0;
let next = 0;

function connectNext(): void {
  if (next >= count) {
    if (open + failed === count) process.send?.({ type: 'ready', open, failed });
    return;
  }
  next += 1;
  const socket = net.connect({ host: '127.0.0.1', port });
  let connected = false;
  socket.setTimeout(10_000, () => socket.destroy(new Error('connect timeout')));
  socket.once('connect', () => {
    connected = true;
    socket.setTimeout(0);
    open += 1;
    sockets.push(socket);
    connectNext();
  });
  socket.on('error', () => {
    if (connected) return;
    failed += 1;
    connectNext();
  });
}

for (let i = 0; i < Math.min(PARALLEL_CONNECTS, count); i += 1) connectNext();
process.on('disconnect', () => {
  for (const socket of sockets) socket.destroy();
  process.exit(0);
});
