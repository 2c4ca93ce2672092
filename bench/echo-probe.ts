// Whether a TCP listener carries a connection to its member right now: a byte sent through it to
// the echo backend comes back. For timing changes from the API call to the data plane serving them.
import net from 'node:net';
import { sleep } from './system.js';

const POLL_MS = 2;
const ATTEMPT_TIMEOUT_MS = 1000;

/** Whether host:port echoes a byte back (the listener is bound and forwards to an echoing member). */
export function echoes(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(ATTEMPT_TIMEOUT_MS, () => socket.destroy());
    socket.once('connect', () => socket.write('x'));
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

/** Polls every 2 ms until host:port echoes (true) or boundMs passes (false). */
export async function echoesWithin(host: string, port: number, boundMs: number): Promise<boolean> {
  const deadline = performance.now() + boundMs;
  while (performance.now() < deadline) {
    if (await echoes(host, port)) return true;
    await sleep(POLL_MS);
  }
  return false;
}

/** Polls every 2 ms until host:port stops echoing (true) or boundMs passes (false). */
export async function stopsEchoingWithin(host: string, port: number, boundMs: number): Promise<boolean> {
  const deadline = performance.now() + boundMs;
  while (performance.now() < deadline) {
    if (!(await echoes(host, port))) return true;
    await sleep(POLL_MS);
  }
  return false;
}
