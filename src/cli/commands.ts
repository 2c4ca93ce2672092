// Client commands of the `elbow` CLI (everything but `serve`, which main.ts wires).
import type { Command } from 'commander';

export function registerClientCommands(_program: Command): void {
  // filled in by the CLI work: resources, apply, status
}
