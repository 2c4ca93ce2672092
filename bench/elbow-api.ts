// Starting `elbow serve` and talking to its Octavia-compatible API, for the elbow column and the
// configuration-scale scenario.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess, startProcess, withFileLimit } from './processes.js';
import type { Child } from './processes.js';
import { HOST, sleep } from './system.js';

const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 30_000;
const READY_LINE = /elbow API listening on (http:\/\/\S+) \(/;

export type Resource = Record<string, unknown> & { id: string };

/** An API answer that is not 2xx; the message is elbow's faultstring when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class ElbowApi {
  constructor(private readonly base: string, private readonly token: string) {}

  async request(method: string, urlPath: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.base}${urlPath}`, {
      method,
      headers: { 'X-Auth-Token': this.token, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: keep the text for the error message.
    }
    if (!response.ok) {
      const fault = (parsed as { faultstring?: string } | null)?.faultstring;
      throw new ApiError(response.status, `${method} ${urlPath} → ${response.status} ${fault ?? text.slice(0, 200)}`);
    }
    return parsed;
  }

  /** POST /v2/lbaas/<collection> with the body wrapped as Octavia does; returns the resource. */
  async create(singular: string, collection: string, fields: Record<string, unknown>): Promise<Resource> {
    const answer = (await this.request('POST', `/v2/lbaas/${collection}`, { [singular]: fields })) as Record<string, Resource>;
    const resource = answer[singular];
    if (!resource || typeof resource.id !== 'string') throw new Error(`POST ${collection}: no ${singular} in the answer`);
    return resource;
  }

  async update(singular: string, collection: string, id: string, fields: Record<string, unknown>): Promise<Resource> {
    const answer = (await this.request('PUT', `/v2/lbaas/${collection}/${id}`, { [singular]: fields })) as Record<string, Resource>;
    return answer[singular] as Resource;
  }
}

export interface RunningElbow {
  child: Child;
  api: ElbowApi;
}

export interface ElbowStart {
  dataDir: string;
  workers: number;
  fileLimit: number;
  /** Run under --cpu-prof (cluster workers inherit it) with the profiles written here. */
  profileDir: string | null;
  /** More `elbow serve` flags (the multi-node scenario's store, node name and zone). */
  extraArgs?: readonly string[];
  /** The data plane engine (default node, whatever ELBOW_ENGINE says in the benchmark's environment). */
  engine?: ElbowEngine;
}

export type ElbowEngine = 'node' | 'haproxy';

let built: Promise<void> | undefined;

/**
 * Compiles elbow once per run (`npm run build`, into dist/), so the benchmark measures what
 * `elbow serve` runs — the compiled code, not the sources under tsx, whose loader thread and
 * source maps cost memory and time — and measures the sources as they are now.
 */
function buildElbow(): Promise<void> {
  built ??= (async () => {
    const result = await runProcess('npm run build', 'npm', ['run', '--silent', 'build'], 120_000, { cwd: REPO_DIR });
    if (result.code !== 0) throw new Error(`elbow did not compile: ${result.output.slice(0, 500)}`);
  })();
  return built;
}

export async function startElbow({ dataDir, workers, fileLimit, profileDir, extraArgs = [], engine = 'node' }: ElbowStart): Promise<RunningElbow> {
  await buildElbow();
  const token = randomBytes(16).toString('hex');
  const [command, args] = withFileLimit(fileLimit, process.execPath, [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    path.join(REPO_DIR, 'bin', 'elbow.js'),
    'serve', '--api', `${HOST}:0`, '--data-dir', dataDir, '--workers', String(workers),
    // With HAProxy, --workers is its nbthread: one core each, as the hand-written HAProxy's.
    ...(engine === 'haproxy' ? ['--engine', 'haproxy'] : []),
    ...extraArgs,
  ]);
  const env = { ...process.env, ELBOW_API_TOKEN: token, ELBOW_LOG_LEVEL: 'warn', ELBOW_ENGINE: engine };
  const child = startProcess(engine === 'haproxy' ? 'elbow (haproxy engine)' : 'elbow', command, args, { cwd: REPO_DIR, env });
  const deadline = Date.now() + START_TIMEOUT_MS;
  let url: string | undefined;
  while ((url = READY_LINE.exec(child.output())?.[1]) === undefined) {
    if (child.process.exitCode !== null || Date.now() > deadline) {
      await child.stop();
      const lines = child.output().split('\n').map((line) => line.trim()).filter(Boolean);
      const reason = lines.find((line) => /\bError\b|error:/i.test(line)) ?? lines.at(-1) ?? 'no output';
      throw new Error(`elbow serve did not start: ${reason.slice(0, 200)}`);
    }
    await sleep(100);
  }
  return { child, api: new ElbowApi(url, token) };
}
