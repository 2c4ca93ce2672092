// The one allocator of ports for tests that must name a port before anything listens on it
// (listeners are configured with a port, then bound by elbow or HAProxy). Race-free:
// - ports come from below the kernel's ephemeral range (ip_local_port_range), so no outgoing
//   connection and no `listen(0)` of any program can take one meanwhile;
// - a port is reserved by creating a file named after it, exclusively, in a directory every test
//   file and every concurrent test run on this machine shares; the file holds the owner's pid, a
//   dead owner's reservation is taken over, and the owner's files go when its process exits;
// - a reserved port is checked free (TCP and UDP, every address) before it is handed out.
// Servers a test starts itself listen on port 0 and read the port back instead.

import { createSocket } from 'node:dgram';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DIR = join(tmpdir(), 'elbow-test-ports');
const held = new Set<string>();
process.on('exit', () => {
  for (const file of held) rmSync(file, { force: true });
});

/** The ports tests may use: the 16k below the ephemeral range, or those above it when that does not fit. */
function range(): { low: number; high: number } {
  let ephemeral = { low: 32768, high: 60999 };
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && high !== undefined && Number.isInteger(low) && Number.isInteger(high)) ephemeral = { low, high };
  } catch {
    // Not Linux: the usual range.
  }
  if (ephemeral.low - 1 >= 12_000) return { low: Math.max(10_000, ephemeral.low - 16_384), high: ephemeral.low - 1 };
  return { low: ephemeral.high + 1, high: 65_535 };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the reservation of `port`, or says it is someone else's (exported for the allocator's own test). */
export function reserve(port: number): boolean {
  const file = join(DIR, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = NaN;
      try {
        owner = Number(readFileSync(file, 'utf8'));
      } catch {
        // Removed meanwhile, or not written yet: try again once.
      }
      // An owner that is alive keeps it; a file not written yet belongs to a process starting now.
      if (Number.isNaN(owner) || alive(owner)) return false;
      rmSync(file, { force: true });
    }
  }
  return false;
}

export function release(port: number): void {
  const file = join(DIR, String(port));
  held.delete(file);
  rmSync(file, { force: true });
}

async function tcpFree(port: number, host: string): Promise<boolean | 'no-family'> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EAFNOSUPPORT' || error.code === 'EADDRNOTAVAIL' ? 'no-family' : false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function udpFree(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** Free on every address: `::` (dual stack) catches IPv4 and IPv6 listeners alike, where IPv6 exists. */
async function free(port: number): Promise<boolean> {
  const dual = await tcpFree(port, '::');
  const tcp = dual === 'no-family' ? await tcpFree(port, '0.0.0.0') : dual;
  return tcp === true && (await udpFree(port));
}

/**
 * Reserves `count` consecutive ports, free for TCP and UDP, for as long as this process lives,
 * and returns the first. Tests that configure several listeners ask for a block.
 */
export async function reservePorts(count = 1): Promise<number> {
  mkdirSync(DIR, { recursive: true });
  const { low, high } = range();
  const span = high - low + 1 - (count - 1);
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const first = low + ((start + i) % span);
    const taken: number[] = [];
    let ok = true;
    for (let port = first; port < first + count && ok; port++) {
      ok = reserve(port);
      if (ok) taken.push(port);
    }
    if (ok) {
      const checks = await Promise.all(taken.map((port) => free(port)));
      if (checks.every(Boolean)) return first;
    }
    for (const port of taken) release(port);
  }
  throw new Error(`no ${count} consecutive free test ports in ${low}-${high}`);
}

/** One reserved port. */
export function reservePort(): Promise<number> {
  return reservePorts(1);
}

/** How many ports this process holds (for the allocator's own test). */
export function heldPorts(): number[] {
  return [...held].map((file) => Number(file.slice(DIR.length + 1))).sort((a, b) => a - b);
}

/** Reservations on the machine right now (for the allocator's own test). */
export function reservedOnMachine(): number[] {
  try {
    return readdirSync(DIR).map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
}
