// A PostgreSQL server of the test's own — initdb into a temporary directory, a free port — that the
// test may crash and restart (the shared server at 127.0.0.1:5432 belongs to everyone). Run as the
// postgres user when the test runs as root (PostgreSQL refuses root), optionally inside a network
// namespace; it dies with the test process (parent-death signal) and its directory is removed.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const START_BOUND_MS = 30_000;

export interface PrivatePostgres {
  readonly host: string;
  readonly port: number;
  /** postgres://postgres@host:port/<database> */
  url(database?: string): string;
  /** Crash-like restart: immediate shutdown (SIGQUIT: no checkpoint, WAL replay at start), then start again. */
  restartImmediate(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

/** The directory of PostgreSQL's server binaries (initdb, postgres), newest version first. */
function binDir(): string | undefined {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = fromConfig.status === 0 ? [fromConfig.stdout.trim()] : [];
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => `/usr/lib/postgresql/${version}/bin`));
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
}

function postgresUser(): { uid: number; gid: number } | undefined {
  const entry = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' });
  const [, , uid, gid] = entry.stdout?.split(':') ?? [];
  return entry.status === 0 && uid !== undefined && gid !== undefined ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

/** Why a private PostgreSQL cannot run here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  if (binDir() === undefined) return 'PostgreSQL server binaries (initdb, postgres) are not installed';
  if (process.getuid?.() === 0 && postgresUser() === undefined) return 'running as root without a postgres user to run PostgreSQL as';
  if (process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status !== 0) return 'setpriv (util-linux) is missing';
  return undefined;
}

/** Starts a private server listening on host:port (inside `netns` when given). */
export async function startPrivatePostgres(options: { host?: string; port: number; netns?: string }): Promise<PrivatePostgres> {
  const bin = binDir();
  if (bin === undefined) throw new Error('PostgreSQL server binaries not found');
  const host = options.host ?? '127.0.0.1';
  const dir = mkdtempSync(join(tmpdir(), 'elbow-pg-'));
  const data = join(dir, 'data');
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (user !== undefined) chownSync(dir, user.uid, user.gid);
  // As the postgres user when root; setpriv execs (the pid is postgres's own) and the server gets
  // SIGKILL if this process dies.
  const asPostgres = (command: string, args: string[]): [string, string[]] =>
    user === undefined ? [command, args] : ['setpriv', ['--reuid', String(user.uid), '--regid', String(user.gid), '--clear-groups', '--pdeathsig', 'KILL', '--', command, ...args]];
  const inNamespace = ([command, args]: [string, string[]]): [string, string[]] => (options.netns === undefined ? [command, args] : ['ip', ['netns', 'exec', options.netns, command, ...args]]);

  await run(...asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']), { timeout: 60_000 });
  // Clients on other hosts of the test's own network (namespaces) too: nothing else can reach it.
  appendFileSync(join(data, 'pg_hba.conf'), 'host all all 0.0.0.0/0 trust\nhost all all ::/0 trust\n');
  const serverArgs = ['-D', data, '-p', String(options.port), '-k', dir, '-c', `listen_addresses=${host}`, '-c', 'max_connections=100', '-c', 'logging_collector=off'];
  let child: ChildProcess | undefined;
  let log = '';
  const url = (database = 'postgres') => `postgres://postgres@${host.includes(':') ? `[${host}]` : host}:${options.port}/${database}`;

  const start = async () => {
    const [command, args] = inNamespace(asPostgres(join(bin, 'postgres'), serverArgs));
    const started = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000)));
    started.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000)));
    await waitUntilReady(inNamespace([join(bin, 'pg_isready'), ['-q', '-h', host, '-p', String(options.port), '-U', 'postgres']]), started, () => log);
  };
  const stop = async (signal: NodeJS.Signals) => {
    const running = child;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await start();
  } catch (error) {
    await stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host,
    port: options.port,
    url,
    restartImmediate: async () => {
      await stop('SIGQUIT');
      await start();
    },
    destroy: async () => {
      await stop('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls with pg_isready (inside the namespace, where the server is) until it accepts connections. */
async function waitUntilReady(check: [string, string[]], child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_BOUND_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`PostgreSQL exited while starting:\n${log()}`);
    const ready = await run(...check, { timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not start within ${START_BOUND_MS} ms:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
