// Client commands of the `elbow` CLI (everything but `serve`, which main.ts wires): the resource
// verbs, `apply`, `status` and `node`. They talk to the REST API only (docs/cli.md).
import type { Command } from 'commander';
import { registerApplyCommand } from './apply/apply-command.js';
import { processIo, type CliIo } from './cli-io.js';
import { registerNodeCommands } from './node-commands.js';
import { registerResourceCommands } from './resource-commands.js';
import { registerStatusCommand } from './status-command.js';

export function registerClientCommands(program: Command, io: CliIo = processIo): void {
  registerResourceCommands(program, io);
  registerApplyCommand(program, io);
  registerStatusCommand(program, io);
  registerNodeCommands(program, io);
}
