// Runs h2load (nghttp2-client) over HTTP/2 with TLS and reads its report: requests/s and how many
// requests failed. A server that does not negotiate h2 by ALPN (h2load then speaks HTTP/1.1) makes
// the measurement unavailable.
import { runProcess } from './processes.js';
import { Unavailable } from './scenario.js';

export interface H2loadResult {
  requestsPerSecond: number;
  /** Requests done (answered or failed) during the run. */
  done: number;
  succeeded: number;
  failed: number;
  errored: number;
  /** Answers with a status other than 2xx or 3xx. */
  non2xx: number;
}

function count(text: string, pattern: RegExp): number {
  return Number(pattern.exec(text)?.[1] ?? 0);
}

/** Parses h2load's report; throws when it has no "finished in" line. */
export function parseH2loadOutput(text: string): H2loadResult {
  const finished = /^finished in [\d.]+m?s, ([\d.]+) req\/s/m.exec(text);
  if (finished === null) throw new Error(`not an h2load report: ${text.trim().slice(0, 200)}`);
  return {
    requestsPerSecond: Number(finished[1]),
    done: count(text, /^requests: .*?(\d+) done/m),
    succeeded: count(text, /^requests: .*?(\d+) succeeded/m),
    failed: count(text, /^requests: .*?(\d+) failed/m),
    errored: count(text, /^requests: .*?(\d+) errored/m),
    non2xx: count(text, /^status codes: .*?(\d+) 4xx/m) + count(text, /^status codes: .*?(\d+) 5xx/m),
  };
}

/** Share of failed requests above which a measurement says more about errors than speed. */
const MAX_ERROR_SHARE = 0.01;

/** Why an h2load result cannot stand as a measurement, or null when it can. */
export function h2loadProblem(result: H2loadResult): string | null {
  if (result.succeeded === 0) return 'no request succeeded';
  const failures = result.failed + result.errored + result.non2xx;
  if (failures > result.done * MAX_ERROR_SHARE) return `${failures} failed requests of ${result.done} (non-2xx ${result.non2xx})`;
  return null;
}

export interface H2loadOptions {
  url: string;
  durationSeconds: number;
  /** Client connections. */
  clients: number;
  /** Streams in flight per connection. */
  streams: number;
  threads: number;
}

export async function runH2load(options: H2loadOptions): Promise<H2loadResult> {
  const args = ['-t', String(options.threads), '-c', String(options.clients), '-m', String(options.streams), '-D', String(options.durationSeconds), options.url];
  const { output, timedOut } = await runProcess('h2load', 'h2load', args, (options.durationSeconds + 20) * 1000);
  if (timedOut) throw new Unavailable('h2load did not finish in time');
  // h2load falls back to HTTP/1.1 when the server does not offer h2: that is not this measurement.
  const protocol = /^Application protocol: (\S+)/m.exec(output)?.[1];
  if (protocol !== 'h2') throw new Unavailable(`the server did not negotiate h2 by ALPN (${protocol ?? 'no protocol'})`);
  let result: H2loadResult;
  try {
    result = parseH2loadOutput(output);
  } catch (err) {
    throw new Unavailable((err as Error).message);
  }
  const problem = h2loadProblem(result);
  if (problem) throw new Unavailable(problem);
  return result;
}
