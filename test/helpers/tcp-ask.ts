// A TCP client that connects, reads until the server closes, and says what it heard.

import { connect } from 'node:net';

/** What host:port says before it closes (a member's name through a listener), or null when the connection fails. */
export function ask(host: string, port: number): Promise<string | null> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    let reply = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('error', () => done(null));
    socket.on('close', (failed) => done(failed ? null : reply));
  });
}
