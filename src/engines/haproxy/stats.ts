// HAProxy's `show stat` as elbow's statuses and counters. Members map as Octavia maps them
// (research §1): UP → ONLINE, DOWN → ERROR, MAINT → OFFLINE, DRAIN (weight 0) → DRAINING,
// `no check` → NO_MONITOR, in the Node engine's precedence (member-state.ts): admin down first,
// then unmonitored, then health, then weight 0. Listener counters are the frontend's, plus the
// member-side failures of its backends, summed over every worker alive (an old worker keeps
// counting while it drains) and over workers gone (their last reading), so that no counter goes
// backwards across a reload.

import { sumListenerStats } from '../../snapshot/listener-stats.js';
import type { ListenerStats } from '../../snapshot/snapshot.js';
import { idOfName } from './config-syntax.js';
import type { Rendered } from './render.js';

/** One row of `show stat`, by column name: the columns elbow reads (COLUMNS). */
export type StatRow = Readonly<Record<string, string>>;

/** The columns read here and in memberHealth; the other ~70 are left out of the rows. */
const COLUMNS = new Set(['pxname', 'svname', 'type', 'status', 'check_status', 'scur', 'stot', 'bin', 'bout', 'ereq', 'econ', 'eresp', 'dcon', 'dses', 'hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx']);

/**
 * Parses `show stat` CSV. At scale it is megabytes (a row per frontend, backend and server, ~80
 * columns each), read on every status and before every reload: each line is cut at its commas up
 * to the last column wanted, and only wanted columns become strings.
 */
export function parseShowStat(csv: string): StatRow[] {
  const headerAt = csv.startsWith('# ') ? 0 : csv.indexOf('\n# ') + 1;
  if (headerAt === 0 && !csv.startsWith('# ')) return [];
  const headerEnd = csv.indexOf('\n', headerAt);
  const names = csv.slice(headerAt + 2, headerEnd < 0 ? csv.length : headerEnd).replace(/\r$/, '').split(',');
  const wanted: { index: number; name: string }[] = [];
  names.forEach((name, index) => {
    if (COLUMNS.has(name)) wanted.push({ index, name });
  });
  const last = wanted.at(-1)?.index ?? -1;
  const rows: Record<string, string>[] = [];
  for (let at = 0; at < csv.length; ) {
    let end = csv.indexOf('\n', at);
    if (end < 0) end = csv.length;
    if (csv[at] !== '#' && csv.slice(at, end).trim() !== '') {
      const row: Record<string, string> = {};
      let next = 0;
      let field = at;
      for (let column = 0; column <= last && next < wanted.length; column++) {
        const comma = field > end ? -1 : csv.indexOf(',', field);
        const fieldEnd = comma < 0 || comma > end ? end : comma;
        const spec = wanted[next] as { index: number; name: string };
        if (spec.index === column) {
          row[spec.name] = field > end ? '' : csv.slice(field, fieldEnd);
          next++;
        }
        field = fieldEnd === end ? end + 1 : fieldEnd + 1;
      }
      for (; next < wanted.length; next++) row[(wanted[next] as { name: string }).name] = '';
      rows.push(row);
    }
    at = end + 1;
  }
  return rows;
}

const number = (row: StatRow | undefined, field: string): number => {
  const value = Number(row?.[field] ?? 0);
  return Number.isFinite(value) ? value : 0;
};

/** One worker's counters: listener id → stats, and HTTP responses by status class. */
export interface WorkerCounters {
  readonly listeners: Map<string, ListenerStats>;
  readonly responses: Map<string, Map<string, number>>;
  /** Member id → current connections (summed over the backends that hold it). */
  readonly memberConnections: Map<string, number>;
}

const RESPONSE_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * One worker's counters, read from its own rows only (names decode back to ids): an old worker's
 * proxies may no longer be in the configuration, and its counters must still only grow.
 */
export function workerCounters(rows: readonly StatRow[]): WorkerCounters {
  const listeners = new Map<string, ListenerStats>();
  const responses = new Map<string, Map<string, number>>();
  const memberConnections = new Map<string, number>();
  const memberErrors = new Map<string, number>();
  for (const row of rows) {
    const proxy = row.pxname ?? '';
    if (row.svname === 'BACKEND') {
      // Backends are named <pool>:<listener>: their member-side failures count for the listener.
      const listener = proxy.includes(':') ? idOfName(proxy.slice(proxy.indexOf(':') + 1)) : undefined;
      if (listener !== undefined) memberErrors.set(listener, (memberErrors.get(listener) ?? 0) + number(row, 'econ') + number(row, 'eresp'));
    } else if (row.svname === 'FRONTEND') {
      const id = idOfName(proxy);
      listeners.set(id, {
        bytes_in: number(row, 'bin'),
        bytes_out: number(row, 'bout'),
        active_connections: number(row, 'scur'),
        total_connections: number(row, 'stot'),
        // Refused (connection_limit, access control) and malformed; member-side failures added below.
        request_errors: number(row, 'ereq') + number(row, 'dcon') + number(row, 'dses'),
      });
      const classes = new Map<string, number>();
      for (const code of RESPONSE_CLASSES) {
        const count = number(row, `hrsp_${code}`);
        if (count > 0) classes.set(code, count);
      }
      if (classes.size > 0) responses.set(id, classes);
    } else if (row.type === '2' && proxy.includes(':')) {
      const member = idOfName(row.svname ?? '');
      memberConnections.set(member, (memberConnections.get(member) ?? 0) + number(row, 'scur'));
    }
  }
  for (const [id, errors] of memberErrors) {
    const stats = listeners.get(id);
    if (stats !== undefined) listeners.set(id, { ...stats, request_errors: stats.request_errors + errors });
  }
  return { listeners, responses, memberConnections };
}

/** HAProxy's view of a member's health: true up, false down, undefined not checked (or unknown). */
export function memberHealth(rows: readonly StatRow[], rendered: Rendered): Map<string, boolean> {
  const health = new Map<string, boolean>();
  // Built at the first monitored backend: without monitors there is no health to read.
  let byName: Map<string, StatRow> | undefined;
  for (const backend of rendered.backends.values()) {
    if (!backend.monitored) continue;
    if (byName === undefined) {
      byName = new Map<string, StatRow>();
      for (const row of rows) byName.set(`${row.pxname ?? ''}/${row.svname ?? ''}`, row);
    }
    for (const server of backend.servers) {
      if (health.has(server.memberId)) continue;
      const row = byName.get(`${backend.name}/${server.name}`);
      const status = row?.status ?? '';
      const check = row?.check_status ?? '';
      // Admin down hides the health: MAINT says nothing about the member.
      if (status.startsWith('MAINT') || check === '' || check.startsWith('INI')) continue;
      health.set(server.memberId, status.startsWith('UP') || status.startsWith('DRAIN') || status.startsWith('NOLB'));
    }
  }
  return health;
}

/** Counters that only grow: workers alive now, plus the last reading of workers that are gone. */
export class CounterLedger {
  private readonly retired = new Map<string, ListenerStats>();
  private readonly retiredResponses = new Map<string, Map<string, number>>();
  private readonly last = new Map<number, WorkerCounters>();

  /** Records one reading of every worker alive (pid → counters); workers not in it are gone. */
  record(readings: ReadonlyMap<number, WorkerCounters>): void {
    for (const [pid, counters] of this.last) {
      if (readings.has(pid)) continue;
      this.last.delete(pid);
      for (const [id, stats] of counters.listeners) this.retired.set(id, add(this.retired.get(id), { ...stats, active_connections: 0 }));
      for (const [id, classes] of counters.responses) this.retiredResponses.set(id, addClasses(this.retiredResponses.get(id), classes));
    }
    for (const [pid, counters] of readings) this.last.set(pid, counters);
  }

  /** Listeners that left the configuration take their counters with them. */
  forget(keep: ReadonlySet<string>): void {
    for (const id of this.retired.keys()) if (!keep.has(id)) this.retired.delete(id);
    for (const id of this.retiredResponses.keys()) if (!keep.has(id)) this.retiredResponses.delete(id);
  }

  listeners(): Map<string, ListenerStats> {
    const total = new Map<string, ListenerStats>();
    for (const [id, stats] of this.retired) total.set(id, { ...stats });
    for (const counters of this.last.values()) for (const [id, stats] of counters.listeners) total.set(id, add(total.get(id), stats));
    return total;
  }

  responses(): Map<string, Map<string, number>> {
    const total = new Map<string, Map<string, number>>();
    for (const [id, classes] of this.retiredResponses) total.set(id, new Map(classes));
    for (const counters of this.last.values()) for (const [id, classes] of counters.responses) total.set(id, addClasses(total.get(id), classes));
    return total;
  }

  memberConnections(): Map<string, number> {
    const total = new Map<string, number>();
    for (const counters of this.last.values()) for (const [id, count] of counters.memberConnections) total.set(id, (total.get(id) ?? 0) + count);
    return total;
  }
}

function add(a: ListenerStats | undefined, b: ListenerStats): ListenerStats {
  return a === undefined ? { ...b } : sumListenerStats(a, b);
}

function addClasses(a: Map<string, number> | undefined, b: ReadonlyMap<string, number>): Map<string, number> {
  const sum = new Map(a ?? []);
  for (const [code, count] of b) sum.set(code, (sum.get(code) ?? 0) + count);
  return sum;
}
