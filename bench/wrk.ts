// Runs wrk and reads its report: requests/s and the latency distribution (--latency).
import { runProcess } from './processes.js';
import { Unavailable } from './scenario.js';

export interface WrkResult {
  requests: number;
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds, keyed by percentile (50, 75, 90, 99). */
  latencyMs: Record<number, number>;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  non2xx: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function number(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Parses wrk 4's text report; throws when the report has no Requests/sec line. */
export function parseWrkOutput(text: string): WrkResult {
  const requestsPerSecond = number(text, /^Requests\/sec:\s+([\d.]+)/m);
  if (requestsPerSecond === undefined) throw new Error(`not a wrk report: ${text.trim().slice(0, 200)}`);
  const latencyMs: Record<number, number> = {};
  for (const match of text.matchAll(/^\s+(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m)\s*$/gm)) {
    latencyMs[Number(match[1])] = Number(match[2]) * (UNIT_MS[match[3] as string] ?? Number.NaN);
  }
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requests: number(text, /^\s*(\d+) requests in /m) ?? 0,
    requestsPerSecond,
    latencyMs,
    socketErrors: {
      connect: Number(errors?.[1] ?? 0),
      read: Number(errors?.[2] ?? 0),
      write: Number(errors?.[3] ?? 0),
      timeout: Number(errors?.[4] ?? 0),
    },
    non2xx: number(text, /Non-2xx or 3xx responses: (\d+)/) ?? 0,
  };
}

/** Share of failed requests above which a measurement says more about errors than speed. */
const MAX_ERROR_SHARE = 0.01;

/** Why a wrk result cannot stand as a measurement, or null when it can. */
export function wrkProblem(result: WrkResult): string | null {
  if (result.requests === 0) return 'no request succeeded';
  const { connect, write, timeout } = result.socketErrors;
  const failures = connect + write + timeout + result.non2xx;
  if (failures > result.requests * MAX_ERROR_SHARE) {
    return `${failures} failed requests of ${result.requests} (connect ${connect}, timeout ${timeout}, non-2xx ${result.non2xx})`;
  }
  return null;
}

export interface WrkOptions {
  url: string;
  durationSeconds: number;
  connections: number;
  threads: number;
  /** Ask for a new connection per request. */
  close?: boolean;
}

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const args = ['-t', String(options.threads), '-c', String(options.connections), '-d', `${options.durationSeconds}s`, '--latency', '--timeout', '5s'];
  if (options.close) args.push('-H', 'Connection: close');
  args.push(options.url);
  const { output, timedOut } = await runProcess('wrk', 'wrk', args, (options.durationSeconds + 20) * 1000);
  if (timedOut) throw new Unavailable('wrk did not finish in time');
  let result: WrkResult;
  try {
    result = parseWrkOutput(output);
  } catch (err) {
    throw new Unavailable((err as Error).message);
  }
  const problem = wrkProblem(result);
  if (problem) throw new Unavailable(problem);
  return result;
}
