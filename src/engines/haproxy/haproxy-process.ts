// HAProxy as elbow's child: `haproxy -W -S <master socket> -f <cfg>` in the foreground, in
// master-worker mode (research §3). Its log lines (stderr) go to elbow's log, ALERTs as errors,
// and are kept for attributing a failed reload. A reload is the master CLI's `reload`, confirmed
// by `show proc`: a new current worker is success, one more failed reload is failure (the old
// worker serves on). The master's PID is written next to the configuration, and a master left
// running by an elbow that was killed (-9) is stopped before a new one starts. Where util-linux's
// setpriv exists, HAProxy also gets SIGTERM the moment elbow dies.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseShowProc, sendCommand, sendCommands, type CliCommand, type ProcTable } from './master-cli.js';

export interface EngineLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface HaproxyProcessOptions {
  readonly bin: string;
  /** <data-dir>/haproxy: the configuration, the master socket and the PID file live here. */
  readonly dir: string;
  readonly logger: EngineLogger;
  /** SIGTERM HAProxy when elbow dies (util-linux setpriv); default true. */
  readonly parentDeathSignal?: boolean;
  /** HAProxy exited while it was meant to run (not after stop()). */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** HAProxy did not start; `alerts` say why (an address that could not be bound names its frontend). */
export class HaproxyStartError extends Error {
  constructor(
    message: string,
    readonly alerts: readonly string[],
  ) {
    super(message);
    this.name = 'HaproxyStartError';
  }
}

export type ReloadOutcome = { readonly ok: true; readonly workerPid: number } | { readonly ok: false; readonly alerts: readonly string[] };

/** How long a start or a reload may take before it counts as failed. */
const STARTUP_BOUND_MS = 60_000;
const POLL_MS = 10;
const SETPRIV = '/usr/bin/setpriv';
/** WARNING lines that are routine in master-worker mode: a reload, a server's health changing. */
const ROUTINE = /^(CLI : )?(Former worker|Current worker|Exiting Master|All workers exited|Server .* is UP|Server .* is going DOWN for maintenance|Server .* is DOWN|Health check for .* succeeded|Health check for .* failed)/;
/**
 * WARNING lines an old worker writes once per proxy as it stops: two per listener on every reload
 * (4,000 lines at 2,000 listeners), so debug; "Former worker … exited" says the same once.
 */
const PER_PROXY = /^(CLI : )?(Proxy .* stopped|Stopping (frontend|backend|proxy)|Paused |Resumed )/;

export type HaproxyLineLevel = 'error' | 'warn' | 'info' | 'debug';

const LINE_MESSAGES: Record<HaproxyLineLevel, string> = { error: 'haproxy alert', warn: 'haproxy warning', info: 'haproxy', debug: 'haproxy notice' };

/** The level at which elbow logs one of HAProxy's stderr lines (its level prefix removed). */
export function haproxyLineLevel(level: string | undefined, message: string): HaproxyLineLevel {
  if (level === 'ALERT' || level === 'EMERG') return 'error';
  if (level !== 'WARNING' || PER_PROXY.test(message)) return 'debug';
  return ROUTINE.test(message) ? 'info' : 'warn';
}
/**
 * What HAProxy says on a reload when the old worker hands over no listening socket. With none to
 * hand over (a configuration without listeners) it is not a problem; else the new worker binds its
 * own sockets (SO_REUSEPORT), which is worth a warning, not an alert: the reload's outcome is read
 * from the worker PIDs.
 */
const NO_SOCKETS_HANDED_OVER = /^Failed to get the (number of sockets to be transferred|sockets from the old process)/;
/** Log lines kept for attributing a failed reload. */
const KEPT_LINES = 2_000;

export class HaproxyProcess {
  readonly configFile: string;
  readonly masterSocket: string;
  private readonly pidFile: string;
  private child: ChildProcess | undefined;
  private stopping = false;
  /** start() succeeded: an exit from now on is a crash to report. */
  private serving = false;
  private exited: Promise<void> = Promise.resolve();
  /** Log lines with their arrival number, so that a reload reads only the ones it caused. */
  private readonly lines: { seq: number; text: string }[] = [];
  private seq = 0;
  /** Whether the worker being replaced had listeners to hand over (see NO_SOCKETS_HANDED_OVER). */
  private handingOver = true;

  constructor(private readonly options: HaproxyProcessOptions) {
    this.configFile = join(options.dir, 'haproxy.cfg');
    this.masterSocket = join(options.dir, 'master.sock');
    this.pidFile = join(options.dir, 'haproxy.pid');
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Stops a master that a previous elbow left running (its PID file names it). */
  stopOrphan(): Promise<void> {
    return stopOrphan(this.pidFile, this.configFile, this.options.logger);
  }

  /** Starts the master with the configuration already written; resolves once a worker serves it. */
  async start(): Promise<ProcTable> {
    await stopOrphan(this.pidFile, this.configFile, this.options.logger);
    rmSync(this.masterSocket, { force: true });
    this.stopping = false;
    this.serving = false;
    const args = ['-W', '-S', `${this.masterSocket},mode,600`, '-f', this.configFile];
    // PR_SET_PDEATHSIG survives the master's re-exec on reload: HAProxy stops when elbow dies.
    const [command, argv] = this.options.parentDeathSignal !== false && existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', this.options.bin, ...args]] : [this.options.bin, args];
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const mark = this.seq;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) this.onLine(line);
      });
    }
    child.once('error', (error) => this.options.logger.error({ error: error.message }, 'haproxy could not be started'));
    child.once('exit', (code, signal) => {
      rmSync(this.pidFile, { force: true });
      if (this.child === child) this.child = undefined;
      if (!this.stopping && this.serving) {
        this.serving = false;
        this.options.logger.error({ code, signal }, 'haproxy exited');
        this.options.onExit?.(code, signal);
      }
    });
    if (child.pid !== undefined) writeFileSync(this.pidFile, `${child.pid}\n`, { mode: 0o600 });
    const until = Date.now() + STARTUP_BOUND_MS;
    while (Date.now() < until) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const alerts = this.alertsSince(mark);
        throw new HaproxyStartError(`haproxy exited at start (${child.exitCode ?? child.signalCode}): ${alerts.join(' | ') || 'no message'}`, alerts);
      }
      const table = await this.proc().catch(() => undefined);
      if (table !== undefined && table.workers.some((worker) => worker.reloads === 0)) {
        this.serving = true;
        return table;
      }
      await sleep(POLL_MS);
    }
    child.kill('SIGKILL');
    throw new HaproxyStartError(`haproxy did not start within ${STARTUP_BOUND_MS} ms`, this.alertsSince(mark));
  }

  /**
   * The master re-reads the configuration file; resolves once the new worker serves it, or with
   * the ALERTs of the failure. `oldWorkerListens`: whether the configuration it replaces had listeners.
   */
  async reload(options: { oldWorkerListens?: boolean } = {}): Promise<ReloadOutcome> {
    this.handingOver = options.oldWorkerListens ?? true;
    const before = await this.proc();
    const previous = new Set(before.workers.map((worker) => worker.pid));
    const mark = this.seq;
    // The master re-executes itself: the connection closes without an answer.
    await sendCommand(this.masterSocket, 'reload').catch(() => undefined);
    const until = Date.now() + STARTUP_BOUND_MS;
    while (Date.now() < until) {
      if (!this.running) return { ok: false, alerts: [...this.alertsSince(mark), 'haproxy exited during the reload'] };
      const table = await this.proc().catch(() => undefined);
      if (table !== undefined) {
        if (table.failedReloads > before.failedReloads) return { ok: false, alerts: this.alertsSince(mark) };
        const current = table.workers.find((worker) => worker.reloads === 0 && !previous.has(worker.pid));
        if (current !== undefined) return { ok: true, workerPid: current.pid };
      }
      await sleep(POLL_MS);
    }
    return { ok: false, alerts: [...this.alertsSince(mark), `no new worker within ${STARTUP_BOUND_MS} ms`] };
  }

  proc(): Promise<ProcTable> {
    return sendCommand(this.masterSocket, 'show proc', 5_000).then(parseShowProc);
  }

  /** Runtime API commands, in order, on one connection; each answer in order. */
  commands(commands: readonly CliCommand[]): Promise<string[]> {
    return sendCommands(this.masterSocket, commands);
  }

  /**
   * Soft stop (SIGUSR1): workers stop accepting and finish their connections within
   * hard-stop-after; past `boundMs` the master is terminated, then killed.
   */
  async stop(boundMs: number): Promise<void> {
    const child = this.child;
    this.stopping = true;
    if (child === undefined || !this.running) return;
    child.kill('SIGUSR1');
    if (await within(this.exited, boundMs)) return;
    child.kill('SIGTERM');
    if (await within(this.exited, 2_000)) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    this.lines.push({ seq: ++this.seq, text: line });
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
    const message = line.replace(/^\[(\w+)\]\s*\(\d+\)\s*:\s*/, '');
    const prefix = /^\[(\w+)\]/.exec(line)?.[1];
    const logger = this.options.logger;
    if (NO_SOCKETS_HANDED_OVER.test(message)) {
      if (this.handingOver) logger.warn({ haproxy: message }, 'haproxy warning');
      else logger.debug({ haproxy: message }, 'haproxy notice');
      return;
    }
    // HAProxy says WARNING for routine events too (a proxy stopped, a worker exited after a reload).
    const level = haproxyLineLevel(prefix, message);
    logger[level]({ haproxy: message }, LINE_MESSAGES[level]);
  }

  /** ALERT lines logged after `mark`. */
  private alertsSince(mark: number): string[] {
    return this.lines.filter((line) => line.seq > mark && /^\[(ALERT|EMERG)\]/.test(line.text)).map((line) => line.text.replace(/^\[\w+\]\s*\(\d+\)\s*:\s*/, ''));
  }
}

async function within(done: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const outcome = await Promise.race([done.then(() => true as const), late]);
  clearTimeout(timer);
  return outcome;
}

/** A master left by an elbow that died without stopping it: terminated, so stale configuration does not serve. */
async function stopOrphan(pidFile: string, configFile: string, logger: EngineLogger): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1 || !isOurHaproxy(pid, configFile)) return;
  logger.warn({ pid }, 'stopping an haproxy left running by a previous elbow');
  signal(pid, 'SIGTERM');
  for (let i = 0; i < 200 && isOurHaproxy(pid, configFile); i++) await sleep(10);
  if (isOurHaproxy(pid, configFile)) signal(pid, 'SIGKILL');
  for (let i = 0; i < 200 && isOurHaproxy(pid, configFile); i++) await sleep(10);
}

function isOurHaproxy(pid: number, configFile: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((arg) => arg.endsWith('haproxy')) && cmdline.includes(configFile);
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already.
  }
}
