// How every client command ends: errors become `elbow: <message> (<code>)` on stderr and a
// non-zero exit code (1; 2 for usage errors), never a stack trace.
import type { Command } from 'commander';
import { ApiError } from './api-client.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';

export function reportError(err: unknown, io: CliIo): void {
  if (err instanceof ApiError) {
    io.err(`elbow: ${err.message} (${err.code})\n`);
    io.fail(1);
  } else if (err instanceof CliError) {
    io.err(`elbow: ${err.message}\n`);
    io.fail(err.exitCode);
  } else {
    io.err(`elbow: ${err instanceof Error ? err.message : String(err)}\n`);
    io.fail(1);
  }
}

/** Wraps an action so its failures are reported instead of thrown. */
export function runAction<A extends unknown[]>(io: CliIo, action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      reportError(err, io);
    }
  };
}

/** Output through io, and usage errors exit 2 (help exits 0). Subcommands created later inherit it. */
export function configureCommand(command: Command, io: CliIo): Command {
  return command
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride((err) => io.exit(err.exitCode === 0 ? 0 : 2));
}
