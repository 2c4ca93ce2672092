// Small facts about the machine and its processes: free ports, readiness, RSS, file limits.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';

export const HOST = '127.0.0.1';

/** A port the kernel considers free right now (the benchmark owns 127.0.0.1 for its duration). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until something accepts TCP connections on the port, or throws after timeoutMs. */
export async function waitForPort(port: number, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(port)) return;
    if (!isAlive()) throw new Error(`process exited before port ${port} opened`);
    await sleep(50);
  }
  throw new Error(`nothing listens on ${HOST}:${port} after ${timeoutMs} ms`);
}

export function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

export function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Resident memory of a process and all its descendants, in bytes (nginx and elbow have workers);
 * with `command`, of those among them running that program only (HAProxy's under elbow).
 */
export function rssOfTree(pid: number, command?: string): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop() as number;
    if (command === undefined || commandOf(next) === command) total += rssKb(next) * 1024;
    pending.push(...childrenOf(next));
  }
  return total;
}

/** The open-files hard limit children can raise themselves to. */
export function fileLimit(): number {
  try {
    return Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

function firstLine(command: string, args: string[]): string {
  // nginx -v prints on stderr, haproxy -v on stdout.
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n')[0]?.trim() || 'unknown';
}

function versionOf(line: string, pattern: RegExp, name: string): string {
  const version = pattern.exec(line)?.[1];
  return version ? `${name} ${version}` : line;
}

function packageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

export interface MachineInfo {
  date: string;
  cpus: number;
  cpuModel: string;
  kernel: string;
  node: string;
  haproxy: string;
  nginx: string;
  /** The http-proxy package behind the node-http-proxy target. */
  httpProxy: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpuModel;
  } catch {
    // Keep what os.cpus() said.
  }
  return {
    date: new Date().toISOString(),
    cpus: os.availableParallelism(),
    cpuModel,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    haproxy: versionOf(firstLine('haproxy', ['-v']), /HAProxy version (\S+)/, 'HAProxy'),
    nginx: versionOf(firstLine('nginx', ['-v']), /nginx\/(\S+)/, 'nginx'),
    httpProxy: `http-proxy ${packageVersion('http-proxy')}`,
  };
}
