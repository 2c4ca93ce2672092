// Starts a real `elbow serve` child process for end-to-end tests, on 127.0.0.1 with a free port
// and a temporary data directory, the data plane inside the process (ELBOW_WORKERS=0; pass
// `args: ['--workers', '2']` to test worker processes). Every child is killed when the test process exits, whatever
// happened; temporary data directories the helper created are removed then too.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
// Generous: a loaded machine compiling TypeScript for several processes at once is slow.
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const READY_LINE = /^elbow API listening on (http:\/\/\S+) \(/m;

export interface ApiAnswer {
  status: number;
  /** Parsed JSON, the text when not JSON, null when empty. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read whatever the API sent
}

export interface ElbowProcess {
  url: string;
  token: string;
  dataDir: string;
  pid: number;
  /** Calls the API with the token; body is sent as JSON. */
  api(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  /** Waits (bounded) until stdout matches, e.g. the `demo: curl …` line printed after the ready line. */
  waitForStdout(pattern: RegExp): Promise<RegExpExecArray>;
  /** Everything the process printed on stderr so far (its JSON logs). */
  stderr(): string;
  /** Sends the signal (default SIGTERM) and waits for the exit; SIGKILL after a bound. Resolves to the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  kill9(): Promise<void>;
}

const children = new Set<ChildProcess>();
const createdDirs = new Set<string>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of createdDirs) rmSync(dir, { recursive: true, force: true });
});

export async function startElbow(options: { args?: string[]; env?: Record<string, string>; dataDir?: string } = {}): Promise<ElbowProcess> {
  const dataDir = options.dataDir ?? makeTempDir();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'src/main.ts'), 'serve', '--api', '127.0.0.1:0', '--data-dir', dataDir, ...(options.args ?? [])],
    { cwd: REPO_ROOT, env: { ...process.env, ELBOW_LOG_LEVEL: 'info', ELBOW_WORKERS: '0', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => done(code));
    child.once('error', () => done(null)); // could not spawn: no 'exit' follows
  });
  void exited.then(() => children.delete(child));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));

  let url: string;
  try {
    url = (await waitForOutput(() => out, READY_LINE, exited))[1] ?? '';
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`elbow serve did not start: ${(error as Error).message}\n--- stderr ---\n${err.slice(-4000)}`, { cause: error });
  }
  const token = options.env?.ELBOW_API_TOKEN ?? readFileSync(join(dataDir, 'api-token'), 'utf8').trim();

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return {
    url,
    token,
    dataDir,
    pid: child.pid ?? -1,
    api: (method, path, body) => callApi(url, token, method, path, body),
    stdout: () => out,
    waitForStdout: (pattern) => waitForOutput(() => out, pattern, exited),
    stderr: () => err,
    stop,
    kill9: async () => {
      await stop('SIGKILL');
    },
  };
}

function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'elbow-e2e-'));
  createdDirs.add(dir);
  return dir;
}

async function waitForOutput(output: () => string, pattern: RegExp, exited: Promise<number | null>): Promise<RegExpExecArray> {
  let timer: NodeJS.Timeout | undefined;
  let poller: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<RegExpExecArray>((resolve) => {
        poller = setInterval(() => {
          const match = pattern.exec(output());
          if (match) resolve(match);
        }, 20);
      }),
      exited.then((code) => Promise.reject(new Error(`exited with code ${code} before printing ${pattern}`))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`nothing matched ${pattern} on stdout within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    clearInterval(poller);
  }
}

async function callApi(url: string, token: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(new URL(path, url), {
    method,
    headers: { 'x-auth-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let parsed: unknown = text === '' ? null : text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}
