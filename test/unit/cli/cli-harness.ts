// Runs client commands in-process against a fetch function and captures what they print.
import { Command } from 'commander';
import { registerClientCommands } from '../../../src/cli/commands.js';
import type { CliIo } from '../../../src/cli/cli-io.js';

export interface CliRun {
  stdout: string;
  stderr: string;
  /** 0 when the command succeeded. */
  code: number;
}

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export async function runCli(args: string[], fetchImpl: CliIo['fetch'], env: Record<string, string> = {}): Promise<CliRun> {
  const run: CliRun = { stdout: '', stderr: '', code: 0 };
  const io: CliIo = {
    out: (s) => void (run.stdout += s),
    err: (s) => void (run.stderr += s),
    env: { ELBOW_URL: 'http://api.test', ELBOW_API_TOKEN: 'secret', ...env },
    colour: false,
    fetch: fetchImpl,
    fail: (code) => void (run.code = code),
    exit: (code) => {
      throw new Exit(code);
    },
  };
  const program = new Command('elbow').exitOverride();
  registerClientCommands(program, io);
  try {
    await program.parseAsync(['node', 'elbow', ...args]);
  } catch (err) {
    if (!(err instanceof Exit)) throw err;
    run.code = err.code;
  }
  return run;
}
