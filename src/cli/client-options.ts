// The options every client command takes (--url, --token, --data-dir, --json) and how they
// resolve: flag, then ELBOW_* environment variable, then default (design.md §6). The token file
// is where `elbow serve` keeps it.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ApiClient } from './api-client.js';
import type { CliIo } from './cli-io.js';
import { tokenFilePath } from '../serve/api-token.js';
import { DEFAULT_DATA_DIR } from '../serve/data-dir.js';

export const DEFAULT_URL = 'http://127.0.0.1:9876';

export interface ClientFlags {
  url?: string;
  token?: string;
  dataDir?: string;
  json?: boolean;
}

export function addClientOptions(command: Command): Command {
  return command
    .option('--url <url>', `API address (env ELBOW_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'API token (env ELBOW_API_TOKEN, else <data-dir>/api-token)')
    .option('--data-dir <dir>', `data directory holding api-token (env ELBOW_DATA_DIR, default ${DEFAULT_DATA_DIR})`)
    .option('--json', "print the API's JSON instead of tables");
}

export function resolveToken(flags: ClientFlags, env: CliIo['env']): string | undefined {
  const given = flags.token ?? env.ELBOW_API_TOKEN;
  if (given !== undefined && given !== '') return given;
  const dataDir = flags.dataDir ?? env.ELBOW_DATA_DIR ?? DEFAULT_DATA_DIR;
  try {
    return readFileSync(tokenFilePath(dataDir), 'utf8').trim();
  } catch {
    // No token file: send no token and let the API answer 401 with its own message.
    return undefined;
  }
}

export function clientFromFlags(flags: ClientFlags, io: CliIo): ApiClient {
  const url = flags.url ?? io.env.ELBOW_URL ?? DEFAULT_URL;
  return new ApiClient({ url, token: resolveToken(flags, io.env), fetch: io.fetch });
}
