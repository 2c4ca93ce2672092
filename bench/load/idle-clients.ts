// Child program: opens TCP connections to --port and holds them. The parent sends
// {type: 'open', total} to grow the number of connections held to total; once every new attempt
// has settled it answers {type: 'ready', open, failed}. Exits when the parent goes.
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port);
const PARALLEL_CONNECTS = 256;
const sockets: net.Socket[] = [];
let failed = 0;

function openOne(): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let connected = false;
    socket.setTimeout(10_000, () => socket.destroy(new Error('connect timeout')));
    socket.once('connect', () => {
      connected = true;
      socket.setTimeout(0);
      sockets.push(socket);
      resolve();
    });
    socket.on('error', () => {
      if (connected) return;
      failed += 1;
      resolve();
    });
  });
}

async function growTo(total: number): Promise<void> {
  let remaining = Math.max(0, total - sockets.length - failed);
  const lane = async (): Promise<void> => {
    while (remaining > 0) {
      remaining -= 1;
      await openOne();
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_CONNECTS }, lane));
  process.send?.({ type: 'ready', open: sockets.length, failed });
}

process.on('message', (message: { type?: string; total?: number }) => {
  if (message.type === 'open') void growTo(message.total ?? 0);
});
process.on('disconnect', () => {
  for (const socket of sockets) socket.destroy();
  process.exit(0);
});
