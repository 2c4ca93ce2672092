// Every process the benchmark starts goes through here, so that each one is known by PID and
// stopped at the end of the run — even when a scenario throws or the user presses Ctrl-C.
// Children start in their own process group (detached) so that stopping one also stops what it
// forked (nginx workers, elbow workers, the program behind a `bash -c ulimit …; exec …`).
import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or null after a signal) once the process has ended. */
  readonly exited: Promise<number | null>;
  /** Everything the process printed so far (stdout and stderr, capped). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Adds an IPC channel (for Node children that report through process.send). */
  ipc?: boolean;
}

const OUTPUT_CAP = 256 * 1024;
const STOP_GRACE_MS = 3000;
const running = new Set<Child>();

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function startProcess(name: string, command: string, args: readonly string[], options: StartOptions = {}): Child {
  const stdio: StdioOptions = options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
  const proc = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio, detached: true });
  if (proc.pid === undefined) throw new Error(`could not start ${name} (${command})`);
  const pid = proc.pid;
  let text = '';
  const collect = (chunk: Buffer): void => {
    if (text.length < OUTPUT_CAP) text += chunk.toString('utf8');
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => resolve(code));
    proc.once('error', (err) => {
      text += `\n${err.message}`;
      resolve(-1);
    });
  });
  const child: Child = {
    name,
    pid,
    process: proc,
    exited,
    output: () => text,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        signalGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      // Whatever the leader forked may outlive it; the group gets a last word.
      signalGroup(pid, 'SIGKILL');
      running.delete(child);
    },
  };
  running.add(child);
  void exited.then(() => {
    if (proc.exitCode !== null || proc.signalCode !== null) running.delete(child);
  });
  return child;
}

/** Runs a command to completion within a time bound; the output is returned whatever the exit code. */
export async function runProcess(
  name: string,
  command: string,
  args: readonly string[],
  timeoutMs: number,
  options: StartOptions = {},
): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const child = startProcess(name, command, args, options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void child.stop();
  }, timeoutMs);
  try {
    const code = await child.exited;
    return { code, output: child.output(), timedOut };
  } finally {
    clearTimeout(timer);
    await child.stop();
  }
}

export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** Last resort on process exit: no await possible, so every group still known gets SIGKILL. */
export function killAllProcessesNow(): void {
  for (const child of running) signalGroup(child.pid, 'SIGKILL');
  running.clear();
}

/** Wraps a command so that it runs with a raised open-files limit (as far as the hard limit allows). */
export function withFileLimit(limit: number, command: string, args: readonly string[]): [string, string[]] {
  const quoted = [command, ...args].map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ');
  return ['bash', ['-c', `ulimit -n ${limit} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec ${quoted}`]];
}
