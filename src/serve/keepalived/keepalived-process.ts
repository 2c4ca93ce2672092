// keepalived as elbow's supervised child: started once the node serves (so that it never takes a
// VIP with nothing behind it), reloaded (SIGHUP) when the VIPs placed on the node change, restarted
// with a growing delay when it dies, and stopped first on shutdown so that backups take the VIPs
// over before the data plane drains. Under `setpriv --pdeathsig TERM` it also leaves gracefully
// (priority-0 advert, VIPs removed) when elbow itself is killed with SIGKILL. Its log lines join
// elbow's log; its state changes ("(elbow_all) Entering MASTER STATE") are read from them.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { FastifyBaseLogger } from 'fastify';
import { findExecutable } from './executables.js';
import { renderKeepalivedConfig, type VipGroup, type VrrpSettings } from './keepalived-config.js';

export interface KeepalivedOptions {
  /** The keepalived executable (a name on PATH or a path). */
  readonly binary: string;
  /** Where its configuration and pid files go (created). */
  readonly dir: string;
  readonly node: string;
  readonly settings: VrrpSettings;
  /** The command keepalived runs every second to check elbow; exit 0 = healthy. */
  readonly healthCheck: string;
  readonly scriptUser: string;
  readonly logger: FastifyBaseLogger;
}

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOPPED';

const STATE_LINE = /\((elbow_[^)\s]+)\) Entering (MASTER|BACKUP|FAULT) STATE/;
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A run this long counts as healthy: the next restart starts from the first delay again. */
const STABLE_RUN_MS = 60_000;
const STOP_BOUND_MS = 5000;

export class KeepalivedSupervisor {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private groups: readonly VipGroup[] = [];
  private config = '';
  private readonly states = new Map<string, VrrpState>();
  private restartDelayMs = FIRST_RESTART_DELAY_MS;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly launcher: Promise<string | undefined>;

  constructor(private readonly options: KeepalivedOptions) {
    // Without setpriv (util-linux), a SIGKILLed elbow leaves keepalived running; its health check
    // then fails and it gives the VIPs up within two seconds instead.
    this.launcher = findExecutable('setpriv');
  }

  private get configPath(): string {
    return join(this.options.dir, 'keepalived.conf');
  }

  /** Checks the configuration with `keepalived -t` and starts keepalived; throws with keepalived's own message. */
  async start(groups: readonly VipGroup[]): Promise<void> {
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const config = this.render(groups);
    await this.writeChecked(config);
    this.groups = groups;
    this.config = config;
    await this.spawn();
  }

  /** Reloads keepalived when the VIPs changed; a configuration keepalived refuses is logged and not applied. */
  async update(groups: readonly VipGroup[]): Promise<void> {
    const config = this.render(groups);
    if (config === this.config || this.stopping) return;
    try {
      await this.writeChecked(config);
    } catch (error) {
      this.options.logger.error({ err: error }, 'keepalived refused the new configuration; keeping the previous one');
      return;
    }
    this.groups = groups;
    this.config = config;
    for (const instance of this.states.keys()) if (!groups.some((group) => group.instance === instance && group.addresses.length > 0)) this.states.delete(instance);
    this.child?.kill('SIGHUP');
    this.options.logger.info({ vips: Object.fromEntries(groups.map((group) => [group.name, group.addresses])) }, 'keepalived reloaded with the VIPs placed on this node');
  }

  /** The VRRP state of each group that has VIPs, by group name. */
  vrrpStates(): Record<string, VrrpState> {
    const shown: Record<string, VrrpState> = {};
    for (const group of this.groups) {
      if (group.addresses.length === 0) continue;
      shown[group.name] = this.child === undefined ? 'STOPPED' : (this.states.get(group.instance) ?? 'INIT');
    }
    return shown;
  }

  /** Stops keepalived (it removes its VIPs and tells the backups), within a bound. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_BOUND_MS);
    await this.exited;
    clearTimeout(timer);
  }

  private render(groups: readonly VipGroup[]): string {
    const { node, settings, healthCheck, scriptUser } = this.options;
    return renderKeepalivedConfig({ node, settings, groups, healthCheck, scriptUser });
  }

  private async writeChecked(config: string): Promise<void> {
    const candidate = `${this.configPath}.new`;
    await writeFile(candidate, config, { mode: 0o600 });
    try {
      await promisify(execFile)(this.options.binary, ['--config-test', '--use-file', candidate], { timeout: 10_000 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      await rm(candidate, { force: true });
      throw new Error(`keepalived refused its configuration: ${stderr || (error as Error).message}`, { cause: error });
    }
    await rename(candidate, this.configPath);
  }

  private async spawn(): Promise<void> {
    const { dir, binary, logger } = this.options;
    const pidFiles = [join(dir, 'keepalived.pid'), join(dir, 'keepalived-vrrp.pid')];
    // Left by a keepalived that was killed: keepalived would take a reused pid for itself still running.
    for (const file of pidFiles) await rm(file, { force: true });
    const args = ['--dont-fork', '--log-console', '--no-syslog', '--vrrp', '--use-file', this.configPath, '--pid', pidFiles[0] as string, '--vrrp_pid', pidFiles[1] as string];
    const setpriv = await this.launcher;
    const [command, commandArgs] = setpriv === undefined ? [binary, args] : [setpriv, ['--pdeathsig', 'TERM', '--', binary, ...args]];
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.states.clear();
    const startedAt = performance.now();
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => this.heard(line));
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        logger.error({ err: error }, 'could not start keepalived');
        resolve();
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        this.states.clear();
        resolve();
        if (this.stopping) return;
        if (performance.now() - startedAt > STABLE_RUN_MS) this.restartDelayMs = FIRST_RESTART_DELAY_MS;
        logger.error({ code, signal, restartInMs: this.restartDelayMs }, 'keepalived exited; restarting it');
        this.restartTimer = setTimeout(() => this.spawn().catch((error: unknown) => logger.error({ err: error }, 'could not restart keepalived')), this.restartDelayMs);
        this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
      });
    });
    logger.info({ pid: child.pid, interface: this.options.settings.interface, priority: this.options.settings.priority }, 'keepalived started');
  }

  private heard(line: string): void {
    const text = line.replace(/^\w{3} \w{3} +\d+ [\d:]+ \d{4}: /, '');
    const state = STATE_LINE.exec(text);
    if (state !== null) {
      this.states.set(state[1] as string, state[2] as VrrpState);
      this.options.logger.info({ keepalived: text }, 'keepalived');
    } else if (/error|fail|warning|violation/i.test(text)) this.options.logger.warn({ keepalived: text }, 'keepalived');
    else this.options.logger.debug({ keepalived: text }, 'keepalived');
  }
}
