// Runs one of the Node load generators in bench/load as a child (so it has its own core) and
// reads the JSON line it prints.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './processes.js';
import { Unavailable } from './scenario.js';

export const LOAD_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'load');

export async function runNodeLoad<T>(program: string, args: Record<string, string | number>, timeoutMs: number): Promise<T> {
  const argv = Object.entries(args).flatMap(([name, value]) => [`--${name}`, String(value)]);
  const { output, timedOut } = await runProcess(program, process.execPath, ['--import', 'tsx', path.join(LOAD_DIR, program), ...argv], timeoutMs);
  if (timedOut) throw new Unavailable(`${program} did not finish in time`);
  const line = output.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Unavailable(`${program}: ${output.trim().slice(0, 160) || 'no output'}`);
  }
}

/**
 * Runs a connection-loop load program (load/connection-loops.ts) and returns its completed
 * connections per second; more failures than `maxFailedShare` of the completions make the figure
 * unavailable rather than flattering.
 */
export async function connectionRate(program: string, args: { port: number; duration: number; concurrency: number }, maxFailedShare: number, what: string): Promise<number> {
  const result = await runNodeLoad<{ completed: number; failed: number; seconds: number }>(program, args, (args.duration + 30) * 1000);
  if (result.completed === 0 || result.failed > result.completed * maxFailedShare) {
    throw new Unavailable(`${result.failed} failed ${what}, ${result.completed} completed`);
  }
  return result.completed / result.seconds;
}
