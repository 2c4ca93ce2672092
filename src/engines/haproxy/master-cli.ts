// HAProxy's master CLI (management.txt §9.4) over its unix socket: every command elbow sends,
// to the master itself (`show proc`, `reload`) or forwarded to a worker (`@1 …` the current one,
// `@!<pid> …` any, old ones included). A batch is one connection in prompt mode, so each command's
// answer is cut out at the prompt that follows it; commands run one after the other, in order.

import { connect } from 'node:net';

const PROMPT = 'master> ';

export class MasterCliError extends Error {}

export interface CliCommand {
  /** The command line, e.g. `@1 set server b/s weight 2`. */
  readonly line: string;
  /** Payload for commands ending in `<<` (certificates): sent after the line, ended by an empty line. */
  readonly payload?: string;
}

function wire(command: CliCommand): string {
  if (command.line.includes('\n')) throw new MasterCliError(`a CLI command cannot span lines: ${JSON.stringify(command.line)}`);
  if (command.payload === undefined) return `${command.line}\n`;
  // An empty line ends the payload: PEM blocks never need one.
  const payload = command.payload.split('\n').filter((line) => line.trim() !== '').join('\n');
  return `${command.line} <<\n${payload}\n\n`;
}

/** Sends the commands on one connection; resolves with each command's answer (trimmed), in order. */
export function sendCommands(socketPath: string, commands: readonly CliCommand[], timeoutMs = 30_000): Promise<string[]> {
  if (commands.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let text = '';
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      // prompt → '' before the first prompt, then one answer per command (the last ends at quit).
      const answers = text.split(PROMPT).slice(1, commands.length + 1).map((answer) => answer.trim());
      if (answers.length < commands.length) return reject(new MasterCliError(`the master CLI closed after ${answers.length} of ${commands.length} answers`));
      resolve(answers);
    };
    const timer = setTimeout(() => finish(new MasterCliError(`no answer from the master CLI within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.once('error', (error) => finish(new MasterCliError(`master CLI ${socketPath}: ${error.message}`)));
    socket.once('close', () => finish(null));
    socket.once('connect', () => {
      socket.write(`prompt\n${commands.map(wire).join('')}quit\n`);
    });
  });
}

/** One command outside prompt mode (`reload` closes the connection as the master re-executes). */
export function sendCommand(socketPath: string, line: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new MasterCliError(`no answer from the master CLI within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new MasterCliError(`master CLI ${socketPath}: ${error.message}`));
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.once('connect', () => socket.end(`${line}\n`));
  });
}

export interface ProcEntry {
  readonly pid: number;
  readonly type: 'master' | 'worker';
  /** Reloads this process has lived through: 0 for the current worker. */
  readonly reloads: number;
}

export interface ProcTable {
  readonly master: ProcEntry | undefined;
  /** Reloads that failed since the master started. */
  readonly failedReloads: number;
  readonly totalReloads: number;
  readonly workers: readonly ProcEntry[];
}

/** Parses `show proc`. */
export function parseShowProc(text: string): ProcTable {
  let master: ProcEntry | undefined;
  let failedReloads = 0;
  let totalReloads = 0;
  const workers: ProcEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+)\s+(master|worker)\s+(\d+)(?:\s+\[failed:\s*(\d+)\])?/.exec(line.trim());
    if (!match) continue;
    const entry: ProcEntry = { pid: Number(match[1]), type: match[2] as ProcEntry['type'], reloads: Number(match[3]) };
    if (entry.type === 'master') {
      master = entry;
      totalReloads = entry.reloads;
      failedReloads = Number(match[4] ?? 0);
    } else {
      workers.push(entry);
    }
  }
  return { master, failedReloads, totalReloads, workers };
}
