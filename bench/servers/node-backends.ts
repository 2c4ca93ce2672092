// Child program: the Node backends — a TCP echo (the client closes first, so TIME_WAIT stays on
// the connecting side, where the kernel reuses it on loopback), a UDP echo, and a TCP holder that accepts connections and keeps them open.
// Reports its ports to the parent over IPC and answers {type: 'held'} with the holder's count.
import dgram from 'node:dgram';
import net from 'node:net';

const HOST = '127.0.0.1';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen({ host: HOST, port: 0, backlog: 4096 }, () => resolve((server.address() as net.AddressInfo).port)));
}

const echo = net.createServer((socket) => {
  socket.on('error', () => socket.destroy());
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
});

let held = 0;
const holder = net.createServer((socket) => {
  held += 1;
  socket.on('error', () => socket.destroy());
  socket.once('close', () => {
    held -= 1;
  });
});

const udp = dgram.createSocket('udp4');
udp.on('message', (message, peer) => udp.send(message, peer.port, peer.address));
const udpPort = await new Promise<number>((resolve) => udp.bind(0, HOST, () => resolve(udp.address().port)));
udp.setRecvBufferSize(4 * 1024 * 1024);
udp.setSendBufferSize(4 * 1024 * 1024);

const ports = { tcpEcho: await listen(echo), tcpIdle: await listen(holder), udp: udpPort };
process.send?.({ type: 'ports', ports });
process.on('message', (message: { type?: string }) => {
  if (message.type === 'held') process.send?.({ type: 'held', held });
});
// The parent going away (IPC closed) ends this program.
process.on('disconnect', () => process.exit(0));
