// Per-listener counters read from elbow's own Prometheus exposition (the /metrics text), and the
// rates and latency percentiles between two readings: what the live stream sends each tick.
// Reading the metrics text keeps the stream on what elbow already exposes, whatever engine fills it.

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export interface ListenerCounters {
  bytes_in: number;
  bytes_out: number;
  active_connections: number;
  total_connections: number;
  request_errors: number;
  /** HTTP responses by status class (L7 listeners; zeros elsewhere). */
  responses: Record<StatusClass, number>;
  /** Cumulative latency histogram: [upper bound in seconds, count], ascending, +Inf last. */
  latency_buckets: [number, number][];
}

/** One tick of a listener: gauges, rates per second over the interval, latency percentiles. */
export interface ListenerSample {
  active_connections: number;
  /** null on the first tick (no interval yet). */
  connections_per_s: number | null;
  requests_per_s: Record<StatusClass, number> | null;
  bytes_in_per_s: number | null;
  bytes_out_per_s: number | null;
  errors_per_s: number | null;
  /** Of the requests answered during the interval; null when there were none. */
  latency_ms: { p50: number | null; p99: number | null };
  /** The cumulative counters the rates come from. */
  totals: { bytes_in: number; bytes_out: number; total_connections: number; request_errors: number; responses: Record<StatusClass, number> };
}

const FIELD_OF_METRIC: Record<string, keyof Omit<ListenerCounters, 'responses' | 'latency_buckets'>> = {
  elbow_listener_bytes_in_total: 'bytes_in',
  elbow_listener_bytes_out_total: 'bytes_out',
  elbow_listener_connections_active: 'active_connections',
  elbow_listener_connections_total: 'total_connections',
  elbow_listener_request_errors_total: 'request_errors',
};
const RESPONSES = 'elbow_listener_http_responses_total';
const LATENCY_BUCKET = 'elbow_listener_http_request_duration_seconds_bucket';

const SAMPLE_LINE = /^([a-zA-Z_:][\w:]*)\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

function emptyCounters(): ListenerCounters {
  return {
    bytes_in: 0,
    bytes_out: 0,
    active_connections: 0,
    total_connections: 0,
    request_errors: 0,
    responses: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    latency_buckets: [],
  };
}

/** The counters of the wanted listeners (every listener wanted gets an entry, zeros when absent). */
export function readListenerCounters(metricsText: string, wanted: ReadonlySet<string>): Map<string, ListenerCounters> {
  const counters = new Map<string, ListenerCounters>();
  for (const id of wanted) counters.set(id, emptyCounters());
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith('elbow_listener_')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match === null) continue;
    const [, name = '', labelText = '', valueText = ''] = match;
    const labels = Object.fromEntries([...labelText.matchAll(LABEL)].map((label) => [label[1], label[2]]));
    const entry = labels.listener === undefined ? undefined : counters.get(labels.listener);
    const value = Number(valueText);
    if (entry === undefined || !Number.isFinite(value)) continue;
    addSample(entry, name, labels, value);
  }
  for (const entry of counters.values()) entry.latency_buckets.sort((a, b) => a[0] - b[0]);
  return counters;
}

/** Adds one sample of a listener's metric family to its counters. */
function addSample(entry: ListenerCounters, name: string, labels: Record<string, string | undefined>, value: number): void {
  const field = FIELD_OF_METRIC[name];
  if (field !== undefined) entry[field] += value;
  else if (name === RESPONSES) {
    const statusClass = `${(labels.code ?? '')[0] ?? ''}xx` as StatusClass;
    if (statusClass in entry.responses) entry.responses[statusClass] += value;
  } else if (name === LATENCY_BUCKET && labels.le !== undefined) {
    const bound = labels.le === '+Inf' ? Infinity : Number(labels.le);
    const bucket = entry.latency_buckets.find(([le]) => le === bound);
    if (bucket) bucket[1] += value;
    else entry.latency_buckets.push([bound, value]);
  }
}

/** A counter that went down was reset (a listener re-created, a worker restarted): count from zero. */
const increase = (now: number, before: number) => (now >= before ? now - before : now);

/**
 * The sample of one listener between two readings `seconds` apart (`before` undefined on the
 * first tick). Percentiles are interpolated within histogram buckets, as Prometheus's
 * histogram_quantile does; a percentile in the +Inf bucket is the highest finite bound.
 */
export function listenerSample(now: ListenerCounters, before: ListenerCounters | undefined, seconds: number): ListenerSample {
  const totals = { bytes_in: now.bytes_in, bytes_out: now.bytes_out, total_connections: now.total_connections, request_errors: now.request_errors, responses: now.responses };
  if (before === undefined || seconds <= 0) {
    return {
      active_connections: now.active_connections,
      connections_per_s: null,
      requests_per_s: null,
      bytes_in_per_s: null,
      bytes_out_per_s: null,
      errors_per_s: null,
      latency_ms: { p50: null, p99: null },
      totals,
    };
  }
  const rate = (a: number, b: number) => round(increase(a, b) / seconds);
  const requests = Object.fromEntries(STATUS_CLASSES.map((c) => [c, rate(now.responses[c], before.responses[c])])) as Record<StatusClass, number>;
  const buckets: [number, number][] = now.latency_buckets.map(([le, count]) => [le, increase(count, before.latency_buckets.find(([b]) => b === le)?.[1] ?? 0)]);
  return {
    active_connections: now.active_connections,
    connections_per_s: rate(now.total_connections, before.total_connections),
    requests_per_s: requests,
    bytes_in_per_s: rate(now.bytes_in, before.bytes_in),
    bytes_out_per_s: rate(now.bytes_out, before.bytes_out),
    errors_per_s: rate(now.request_errors, before.request_errors),
    latency_ms: { p50: quantileMs(buckets, 0.5), p99: quantileMs(buckets, 0.99) },
    totals,
  };
}

/** The q-quantile in milliseconds of a cumulative histogram's counts, or null when it is empty. */
export function quantileMs(buckets: readonly [number, number][], q: number): number | null {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      if (bound === Infinity) return round(lowerBound * 1000);
      const inBucket = count - lowerCount;
      const fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 1;
      return round((lowerBound + (bound - lowerBound) * fraction) * 1000);
    }
    lowerBound = bound;
    lowerCount = count;
  }
  return round(lowerBound * 1000);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
