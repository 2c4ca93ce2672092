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
