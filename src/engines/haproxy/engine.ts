// The HAProxy engine: the same SnapshotApplier seam as the Node data plane, carrying TCP, HTTP,
// HTTPS and SSL listeners in HAProxy 2.6 (UDP stays on the Node data plane: split-applier.ts).
//
// apply(): pre-bind new addresses (bind-check.ts), render (render.ts), then either runtime
// commands (plan.ts) or one reload confirmed by the new worker's PID; a listener HAProxy could not
// bind is named by its ALERT, left out and reported, and the rest is delivered again. It returns
// once the new configuration serves. Applies run one at a time; when several wait, only the
// newest snapshot is delivered (one coalesced reload), and every waiter gets its report.
// HAProxy is supervised: restarted with backoff if it dies, with the latest snapshot.
// Each apply's outcome goes into the runtime view, and so does member health, read from HAProxy's
// statistics every HEALTH_POLL_MS (a reading older than the last apply is dropped there).

import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ApplyReport, DataPlaneStats, ListenerStats, Snapshot, SnapshotApplier, SnapshotPool } from '../../snapshot/snapshot.js';
import { SnapshotChecker } from '../../snapshot/check-snapshot.js';
import { memberOperatingStatus } from '../../snapshot/member-status.js';
import type { RuntimeReporter } from '../../snapshot/runtime-view.js';
import { AccessLogReceiver } from './access-log.js';
import { checkBind } from './bind-check.js';
import { hostPort, idOfName } from './config-syntax.js';
import { HaproxyProcess, HaproxyStartError, type EngineLogger } from './haproxy-process.js';
import { metricsText } from './metrics.js';
import { plan, type PlannedStep } from './plan.js';
import { RenderCache, renderConfig, servedListeners, type Rendered, type RenderOptions } from './render.js';
import { alignServerState, EMPTY_SERVER_STATE } from './server-state.js';
import { parseShowTable, restoreCommands, serverIds, stickTables } from './stick-tables.js';
import { CounterLedger, memberHealth, parseShowStat, workerCounters, type WorkerCounters } from './stats.js';
import { SerialQueue } from '../../util/serial-queue.js';

export interface HaproxyEngineOptions {
  /** elbow's data directory; the engine owns <dataDir>/haproxy (0700, files 0600). */
  readonly dataDir: string;
  /** The haproxy binary; default `haproxy` on PATH. */
  readonly bin?: string;
  /** hard-stop-after, and close()'s default bound: how long connections may outlive their worker. Default 10 s. */
  readonly drainMs?: number;
  /** HAProxy threads (nbthread); default 1. */
  readonly threads?: number;
  readonly logger?: EngineLogger;
  /** Where listeners with access_log on write <listener id>.log; default: the logger. */
  readonly accessLogDir?: string;
  /** Global maxconn; default HAProxy's (from the file descriptor limit). */
  readonly maxConnections?: number;
  /** SIGTERM HAProxy when elbow dies, where setpriv exists; default true (tests of the other safeguard turn it off). */
  readonly parentDeathSignal?: boolean;
  /** Where applies' outcomes and member status changes are reported (the runtime view the API reads). */
  readonly runtime?: RuntimeReporter;
}

export type HaproxyEngine = SnapshotApplier & {
  /** Soft-stops HAProxy (connections finish within drainMs) and the access-log receiver. */
  close(drainMs?: number): Promise<void>;
  /** The HAProxy master's PID while it runs. */
  readonly masterPid: number | undefined;
  /** Reloads that served a new configuration. */
  readonly reloads: number;
};

const SILENT: EngineLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const DEFAULT_DRAIN_MS = 10_000;
/** Deliveries of one snapshot, each leaving out the listeners the previous one could not bind. */
const MAX_ATTEMPTS = 4;
const RESTART_DELAYS_MS = [250, 1_000, 2_000, 5_000, 10_000, 30_000];
/** How often member health is read for the runtime view: HAProxy tells no one when a check changes it. */
const HEALTH_POLL_MS = 1_000;

const run = promisify(execFile);

/** Checks that `bin` is HAProxy ≥ 2.6; the error says how to install it. */
export async function checkHaproxy(bin = 'haproxy'): Promise<string> {
  let output: string;
  try {
    output = (await run(bin, ['-v'])).stdout;
  } catch {
    throw new Error(`the haproxy engine needs HAProxy >= 2.6, and ${bin} was not found. Install it (Debian/Ubuntu: sudo apt-get install haproxy) or give its path with --haproxy-bin`);
  }
  const match = /version (\d+)\.(\d+)(\S*)/.exec(output);
  const [major, minor] = [Number(match?.[1] ?? 0), Number(match?.[2] ?? 0)];
  if (major < 2 || (major === 2 && minor < 6)) throw new Error(`the haproxy engine needs HAProxy >= 2.6; ${bin} is ${match ? `${major}.${minor}${match[3] ?? ''}` : 'of unknown version'}`);
  return `${major}.${minor}${match?.[3] ?? ''}`;
}

/** Which listeners an HAProxy ALERT names: "for frontend <id>", or a configuration line in its section. */
export function attributeAlerts(alerts: readonly string[], rendered: Rendered): Map<string, string> {
  const failed = new Map<string, string>();
  for (const alert of alerts) {
    const frontend = /for frontend ([^\s:]+)\s*:/.exec(alert);
    const line = /\[[^\]]*?:(\d+)\]/.exec(alert);
    const id = frontend ? idOfName(frontend[1] ?? '') : line ? rendered.listenerAtLine(Number(line[1])) : undefined;
    if (id === undefined || !rendered.frontends.has(id) || failed.has(id)) continue;
    failed.set(id, alert.replace(/^.*?for frontend [^\s:]+\s*:\s*/, '').replace(/^config\s*:\s*/, '').trim());
  }
  return failed;
}

/** What a runtime command answers when it did what was asked. */
function succeeded(line: string, answer: string): boolean {
  const command = line.replace(/^@\S+\s+/, '');
  if (command.startsWith('add server')) return /New server registered/i.test(answer);
  if (command.startsWith('del server')) return /Server deleted/i.test(answer);
  if (command.startsWith('commit ssl') || command.startsWith('add ssl crt-list')) return /Success!/.test(answer);
  if (command.startsWith('set ssl')) return /Transaction (created|updated)/i.test(answer);
  if (command.startsWith('new ssl cert')) return /New empty certificate store/i.test(answer);
  if (command.startsWith('del ssl crt-list')) return /deleted/i.test(answer);
  if (command.startsWith('del ssl cert')) return /deleted/i.test(answer);
  if (command.startsWith('prepare acl')) return /New version created/i.test(answer);
  return answer.trim() === '';
}

export async function createHaproxyEngine(options: HaproxyEngineOptions): Promise<HaproxyEngine> {
  const logger = options.logger ?? SILENT;
  const dir = join(options.dataDir, 'haproxy');
  if (/\s/.test(dir)) throw new Error(`the haproxy engine needs a data directory without spaces (HAProxy's CLI splits arguments on them): ${dir}`);
  if (join(dir, 'master.sock').length > 100) throw new Error(`the data directory path is too long for a unix socket (${dir})`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  const accessLog = await AccessLogReceiver.start(options.accessLogDir, logger);
  const renderOptions: RenderOptions = {
    dir,
    hardStopAfterMs: Math.max(1, drainMs),
    threads: options.threads ?? 1,
    accessLogTarget: accessLog.target,
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
  };
  const ledger = new CounterLedger();
  // Listeners and pools the snapshot kept as the same objects are not rendered again.
  const renderCache = new RenderCache();
  // Pools kept as the same objects are not checked again.
  const checker = new SnapshotChecker();
  let running: Rendered | undefined;
  /** The snapshot `running` was rendered from. */
  let runningSnapshot: Snapshot | undefined;
  let latest: Snapshot | undefined;
  let revision = 0;
  let errors = new Map<string, string>();
  /** Member id → up, from the last reading of the current worker's statistics (unread members count as up, as HAProxy starts them). */
  let health = new Map<string, boolean>();
  /** What this engine last put into the runtime view: the same statuses again would change nothing there. */
  let reported: { revision: number; members: Record<string, string> } | undefined;
  let reloads = 0;
  let failedReloads = 0;
  let closed = false;
  const queue = new SerialQueue();
  let restartTimer: NodeJS.Timeout | undefined;
  let crashes = 0;
  let lastStart = 0;

  const haproxy = new HaproxyProcess({ bin: options.bin ?? 'haproxy', dir, logger, parentDeathSignal: options.parentDeathSignal ?? true, onExit: () => scheduleRestart() });
  // A master that an elbow killed with -9 left behind serves stale configuration: stop it now.
  await haproxy.stopOrphan();

  const report = (): ApplyReport => ({ revision, listenerErrors: Object.fromEntries(errors) });

  function writeFile(name: string, content: string): void {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, content, { mode: 0o600 });
    renameSync(temporary, path);
  }

  /** Files of renders written since the directory was last swept (undefined: never swept). */
  let written: Set<string> | undefined;

  /** Writes what changed since `previous`; the configuration file last, by rename. */
  function writeRendered(next: Rendered, previous: Rendered | undefined, withConfiguration = true): void {
    for (const [name, file] of next.files) {
      const before = previous?.files.get(name);
      if (before !== file && before?.content !== file.content) writeFile(name, file.content);
      written?.add(name);
    }
    if (withConfiguration) writeFile('haproxy.cfg', next.text);
  }

  /**
   * Files no render names any more (left behind by removed listeners and certificates). The
   * directory is read once, for what an earlier elbow left; after that only the files written
   * since are looked at (thousands of files at scale).
   */
  function removeStaleFiles(current: Rendered): void {
    if (written !== undefined) {
      for (const name of written) {
        if (current.files.has(name)) continue;
        rmSync(join(dir, name), { force: true });
        written.delete(name);
      }
      return;
    }
    written = new Set(current.files.keys());
    for (const sub of ['certs', 'lists', 'bodies', 'pools']) {
      let names: string[];
      try {
        names = readdirSync(join(dir, sub));
      } catch {
        continue;
      }
      for (const name of names) {
        const relativeName = relative(dir, join(dir, sub, name));
        if (!current.files.has(relativeName)) rmSync(join(dir, sub, name), { force: true });
      }
    }
  }

  async function runSteps(steps: readonly PlannedStep[]): Promise<boolean> {
    let batch: PlannedStep[] = [];
    const flush = async (): Promise<boolean> => {
      const cli = batch.filter((step): step is Extract<PlannedStep, { kind: 'cli' }> => step.kind === 'cli');
      batch = [];
      if (cli.length === 0) return true;
      const answers = await haproxy.commands(cli.map((step) => ({ line: step.line, ...(step.payload !== undefined ? { payload: step.payload } : {}) })));
      let ok = true;
      cli.forEach((step, i) => {
        const answer = answers[i] ?? '';
        if (succeeded(step.line, answer)) return;
        if (step.optional) logger.debug({ command: step.line, answer }, 'haproxy runtime command left for the next reload');
        else {
          logger.warn({ command: step.line, answer }, 'haproxy runtime command failed');
          ok = false;
        }
      });
      return ok;
    };
    for (const step of steps) {
      if (step.kind === 'cli') {
        batch.push(step);
        continue;
      }
      if (!(await flush())) return false;
      // Address lists: a new version filled, then committed at once.
      const [prepared] = await haproxy.commands([{ line: `@1 prepare acl ${step.path}` }]);
      const version = /New version created:\s*(\d+)/.exec(prepared ?? '')?.[1];
      if (version === undefined) return false;
      const answers = await haproxy.commands([...step.entries.map((entry) => ({ line: `@1 add acl @${version} ${step.path} ${entry}` })), { line: `@1 commit acl @${version} ${step.path}` }]);
      if (answers.some((answer) => answer.trim() !== '')) return false;
    }
    return flush();
  }

  /** Puts stick table entries read before a reload into the new worker. */
  async function restoreStickTables(tables: readonly string[], dumps: readonly string[]): Promise<void> {
    const withEntries = tables.map((table, i) => ({ table, entries: parseShowTable(dumps[i] ?? '') })).filter(({ entries }) => entries.length > 0);
    if (withEntries.length === 0) return;
    const states = await haproxy.commands(withEntries.map(({ table }) => ({ line: `@1 show servers state ${table}` })));
    const commands = withEntries.flatMap(({ table, entries }, i) => restoreCommands(table, entries, serverIds(states[i] ?? '')));
    const answers = await haproxy.commands(commands.map((line) => ({ line })));
    const failed = answers.filter((answer) => answer.trim() !== '').length;
    if (failed > 0) logger.warn({ failed, entries: commands.length }, 'some stick table entries could not be carried across the reload');
  }

  type Delivery = { ok: true } | { ok: false; alerts: readonly string[] };

  /** Brings HAProxy to `next`: started, runtime commands, or a reload. */
  async function deliver(next: Rendered): Promise<Delivery> {
    if (!haproxy.running || running === undefined) {
      writeRendered(next, undefined);
      writeFile('server-state', EMPTY_SERVER_STATE);
      try {
        lastStart = Date.now();
        await haproxy.start();
      } catch (error) {
        if (error instanceof HaproxyStartError) return { ok: false, alerts: error.alerts.length > 0 ? error.alerts : [error.message] };
        throw error;
      }
      running = next;
      return { ok: true };
    }
    const steps = plan(dir, running, next);
    if (!steps.reload) {
      // HAProxy reads its configuration file only when it starts or reloads, and both write it
      // first: a change made at runtime leaves it (1.5 MB at 2,000 listeners) for then.
      writeRendered(next, running, false);
      if (await runSteps(steps.steps)) {
        running = next;
        return { ok: true };
      }
      logger.warn({ revision: next.revision }, 'haproxy refused a runtime change; reloading instead');
    } else {
      logger.info({ revision: next.revision, reasons: steps.reasons.slice(0, 5), more: Math.max(0, steps.reasons.length - 5) }, 'haproxy reload');
    }
    // The worker about to become old: its counters are read now, so that they carry on (stats.ts).
    await readWorkers().catch(() => undefined);
    // Health is all a state file carries over (server-state.ts): without monitors there is none.
    const [saved] = monitors(running) || monitors(next) ? await haproxy.commands([{ line: '@1 show servers state' }]).catch(() => ['']) : [''];
    // Stick tables kept by both configurations: read from the worker about to become old.
    const kept = stickTables(next).filter((table) => stickTables(running as Rendered).includes(table));
    const tables = await haproxy.commands(kept.map((table) => ({ line: `@1 show table ${table}` }))).catch(() => [] as string[]);
    writeRendered(next, running);
    writeFile('server-state', alignServerState(saved ?? '', running, next));
    const outcome = await haproxy.reload({ oldWorkerListens: running.frontends.size > 0 });
    if (outcome.ok) {
      reloads++;
      running = next;
      await restoreStickTables(kept, tables);
      return { ok: true };
    }
    failedReloads++;
    // The old worker serves on: the files say what it serves, for a restart to serve it too.
    writeRendered(running, next);
    return { ok: false, alerts: outcome.alerts };
  }

  async function applyNow(snapshot: Snapshot): Promise<ApplyReport> {
    if (closed) throw new Error('the haproxy engine is closed');
    if (snapshot.revision < revision) return report();
    const problems = checker.check(snapshot);
    if (problems.length > 0) throw new Error(`inconsistent snapshot (revision ${snapshot.revision}): ${problems.join('; ')}`);
    latest = snapshot;
    // Addresses HAProxy holds already are not checked: a listener that is the same object as one
    // served holds its address; the others are looked up by address (built only when needed).
    const served = runningSnapshot === undefined || !haproxy.running ? [] : servedListeners(runningSnapshot, new Set(errors.keys()));
    const servedObjects = new Set(served);
    let held: Set<string> | undefined;
    const failed = new Map<string, string>();
    await Promise.all(
      servedListeners(snapshot)
        .filter((listener) => {
          if (servedObjects.has(listener)) return false;
          held ??= new Set(served.map((other) => hostPort(other.address, other.port)));
          return !held.has(hostPort(listener.address, listener.port));
        })
        .map(async (listener) => {
          const error = await checkBind(listener.address, listener.port);
          if (error !== null) failed.set(listener.id, error);
        }),
    );
    for (let attempt = 1; ; attempt++) {
      const next = renderConfig(snapshot, { ...renderOptions, skipListeners: new Set(failed.keys()) }, renderCache);
      const outcome = await deliver(next);
      if (outcome.ok) break;
      const named = attributeAlerts(outcome.alerts, next);
      if (named.size === 0 || attempt >= MAX_ATTEMPTS) throw new Error(`haproxy refused revision ${snapshot.revision}: ${outcome.alerts.join(' | ') || 'no reason given'}`);
      for (const [id, reason] of named) failed.set(id, reason);
    }
    for (const [id, reason] of failed) logger.error({ listener: id, error: reason }, 'listener could not start');
    errors = failed;
    runningSnapshot = snapshot;
    revision = snapshot.revision;
    if (running !== undefined) removeStaleFiles(running);
    ledger.forget(new Set(snapshot.listeners.map((listener) => listener.id)));
    const done = report();
    if (options.runtime !== undefined) {
      const members = memberStatusRecord();
      options.runtime.applied({ ...done, members });
      reported = { revision: done.revision, members };
    }
    return done;
  }

  /** Waiters queue up; each run delivers the newest snapshot handed in so far. */
  let pending: Snapshot | undefined;
  function apply(snapshot: Snapshot): Promise<ApplyReport> {
    if (pending === undefined || snapshot.revision >= pending.revision) pending = snapshot;
    return queue.run(() => {
      const newest = pending;
      pending = undefined;
      if (newest === undefined || newest.revision < revision) return report();
      return applyNow(newest);
    });
  }

  function scheduleRestart(): void {
    if (closed) return;
    if (Date.now() - lastStart > 60_000) crashes = 0;
    const delay = RESTART_DELAYS_MS[Math.min(crashes, RESTART_DELAYS_MS.length - 1)] ?? 30_000;
    crashes++;
    logger.warn({ restart_in_ms: delay }, 'haproxy exited; restarting it');
    clearTimeout(restartTimer);
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      const snapshot = latest;
      if (closed || snapshot === undefined) return;
      running = undefined;
      revision = 0;
      apply(snapshot).catch((error: unknown) => {
        logger.error({ error: String(error) }, 'haproxy could not be restarted');
        scheduleRestart();
      });
    }, delay);
  }

  function sameHealth(a: ReadonlyMap<string, boolean>, b: ReadonlyMap<string, boolean>): boolean {
    if (a.size !== b.size) return false;
    for (const [id, up] of a) if (b.get(id) !== up) return false;
    return true;
  }

  /** Whether any backend has a health monitor. */
  function monitors(rendered: Rendered): boolean {
    for (const backend of rendered.backends.values()) if (backend.monitored) return true;
    return false;
  }

  /**
   * Every worker's counters (old ones included); the current worker's rows for health. Server
   * rows are most of `show stat` at scale and only tell health (of monitored backends) and member
   * connections (metrics): without monitors, and unless `allServers`, only frontends and backends
   * are read, which is every counter a listener has.
   */
  async function readWorkers(allServers = false): Promise<{ workers: number }> {
    if (!haproxy.running) return { workers: 0 };
    const monitored = running !== undefined && monitors(running);
    const servers = allServers || monitored;
    const table = await haproxy.proc();
    const readings = new Map<number, WorkerCounters>();
    let current: ReturnType<typeof parseShowStat> = [];
    await Promise.all(
      table.workers.map(async (worker) => {
        const [csv] = await haproxy.commands([{ line: `@!${worker.pid} show stat${servers ? '' : ' -1 3 -1'}` }]).catch(() => [undefined]);
        if (csv === undefined) return;
        const rows = parseShowStat(csv);
        readings.set(worker.pid, workerCounters(rows));
        if (worker.reloads === 0) current = rows;
      }),
    );
    ledger.record(readings);
    // Rows without servers say nothing of health, unless nothing is monitored (then there is none).
    if (running !== undefined && current.length > 0 && (servers || !monitored)) {
      const read = memberHealth(current, running);
      // Kept as the same map when nothing changed: member statuses are then not computed again.
      if (!sameHealth(health, read)) health = read;
    }
    return { workers: table.workers.length };
  }

  /** Member statuses in the Node engine's precedence, from the snapshot and HAProxy's health as last read. */
  function memberStatuses(): Map<string, { status: string; poolId: string; up: boolean }> {
    const statuses = new Map<string, { status: string; poolId: string; up: boolean }>();
    const snapshot = runningSnapshot;
    if (snapshot === undefined || running === undefined) return statuses;
    for (const pool of servedPools(snapshot, running)) {
      for (const member of pool.members) {
        const healthy = health.get(member.id) ?? true;
        const monitored = pool.healthMonitor !== null;
        const status = memberOperatingStatus(member, monitored, healthy);
        statuses.set(member.id, { status, poolId: pool.id, up: pool.enabled && member.enabled && member.weight > 0 && (!monitored || healthy) });
      }
    }
    return statuses;
  }

  /** The snapshot's pools that HAProxy serves (some listener's backend), in the snapshot's order. */
  function servedPools(snapshot: Snapshot, rendered: Rendered): SnapshotPool[] {
    const served = new Set<string>();
    for (const backend of rendered.backends.values()) served.add(backend.poolId);
    return Object.values(snapshot.pools).filter((pool) => served.has(pool.id));
  }

  /** A pool's [member id, status] pairs as memberStatuses has them; without a monitor they follow from the pool alone, so are kept by pool. */
  const unmonitoredStatuses = new WeakMap<SnapshotPool, readonly (readonly [string, string])[]>();
  function poolStatuses(pool: SnapshotPool): readonly (readonly [string, string])[] {
    const monitored = pool.healthMonitor !== null;
    if (!monitored) {
      const kept = unmonitoredStatuses.get(pool);
      if (kept !== undefined) return kept;
    }
    const pairs = pool.members.map((member) => [member.id, memberOperatingStatus(member, monitored, health.get(member.id) ?? true)] as const);
    if (!monitored) unmonitoredStatuses.set(pool, pairs);
    return pairs;
  }

  /** The last members answer and what it was computed from (member statuses depend on nothing else). */
  let lastMembers: { snapshot: Snapshot | undefined; rendered: Rendered | undefined; health: ReadonlyMap<string, boolean>; members: Record<string, string> } | undefined;

  /** Member id → status; the same answer while the served snapshot and the health read are (10,000 members at scale). */
  function memberStatusRecord(): Record<string, string> {
    if (lastMembers !== undefined && lastMembers.snapshot === runningSnapshot && lastMembers.rendered === running && lastMembers.health === health) return lastMembers.members;
    const pairs: (readonly [string, string])[] = [];
    if (runningSnapshot !== undefined && running !== undefined) for (const pool of servedPools(runningSnapshot, running)) pairs.push(...poolStatuses(pool));
    const members = Object.fromEntries(pairs);
    lastMembers = { snapshot: runningSnapshot, rendered: running, health, members };
    return members;
  }

  /** One reading of member health into the runtime view, tagged with the revision it began under. */
  let polling = false;
  async function pollHealth(runtime: RuntimeReporter): Promise<void> {
    if (polling || closed || !haproxy.running) return;
    // Without a monitor no member's status can change between applies, and each apply reports
    // them all: reading `show stat` every second (1 MB at 2,000 listeners) would tell nothing.
    if (running === undefined || !monitors(running)) return;
    polling = true;
    const at = revision;
    try {
      await readWorkers();
      const members = memberStatusRecord();
      if (reported?.revision === at && reported.members === members) return;
      runtime.members(at, members, true);
      if (at >= (reported?.revision ?? 0)) reported = { revision: at, members };
    } catch (error) {
      logger.debug({ error: String(error) }, 'could not read haproxy member health');
    } finally {
      polling = false;
    }
  }
  const { runtime } = options;
  const poller = runtime === undefined ? undefined : setInterval(() => void pollHealth(runtime), HEALTH_POLL_MS);
  poller?.unref();

  function knownListeners(): Map<string, ListenerStats> {
    const ids = new Set((runningSnapshot?.listeners ?? []).filter((listener) => listener.transport === 'tcp').map((listener) => listener.id));
    return new Map([...ledger.listeners()].filter(([id]) => ids.has(id)));
  }

  return {
    apply,
    async stats(): Promise<DataPlaneStats> {
      await readWorkers();
      return { revision, listeners: Object.fromEntries(knownListeners()) };
    },
    async metrics(): Promise<string> {
      const { workers } = await readWorkers(true);
      const members = memberStatuses();
      const listeners = knownListeners();
      return metricsText({
        loadBalancerOf: new Map((runningSnapshot?.listeners ?? []).map((listener) => [listener.id, listener.loadBalancerId])),
        listeners,
        responses: new Map([...ledger.responses()].filter(([id]) => listeners.has(id))),
        members: new Map([...members].map(([id, member]) => [id, { poolId: member.poolId, up: member.up }])),
        memberConnections: ledger.memberConnections(),
        reloads,
        failedReloads,
        workers,
      });
    },
    async close(closeDrainMs = drainMs): Promise<void> {
      closed = true;
      clearTimeout(restartTimer);
      clearInterval(poller);
      await queue.idle();
      await haproxy.stop(closeDrainMs + 2_000);
      await accessLog.close();
    },
    get masterPid() {
      return haproxy.pid;
    },
    get reloads() {
      return reloads;
    },
  };
}
