// `npm run bench`: elbow beside HAProxy and nginx (and the backends directly) on this machine, in
// one run, interleaved over rounds, medians and ratios reported. See docs/benchmark.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTlsFiles, startBackends } from './backends.js';
import type { Backends } from './backends.js';
import { ratioChart } from './chart.js';
import { USAGE, parseOptions } from './options.js';
import type { BenchOptions } from './options.js';
import { killAllProcessesNow, stopAllProcesses } from './processes.js';
import { formatMarkdown, formatNumber, formatTable, summarize } from './report.js';
import type { Figures, OnceResults, OnceScenario, ProxyPlan, RoundScenario, Sample, Target } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';
import { idleConnectionCount } from './scenarios/idle-memory.js';
import { fileLimit, machineInfo } from './system.js';
import { PROXY_NAMES, startProxy, startTargets } from './targets.js';
import { missingTools } from './tools.js';

/** Rotates the target order each round so no proxy always runs first (or right after another). */
function orderForRound<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * Seconds each target is driven, unrecorded, before a scenario's first round: a balancer that has
 * been running has its code compiled (V8's JIT for elbow and node-http-proxy) and its member
 * connections open; without this, elbow's first round measures compilation (p99 of 60-100 ms).
 */
const WARM_UP_SECONDS = 2;

async function warmUp(scenario: RoundScenario, targets: readonly Target[], options: BenchOptions): Promise<void> {
  const short = { ...options, duration: Math.min(WARM_UP_SECONDS, options.duration) };
  for (const target of targets) {
    const endpoint = target.endpoints[scenario.frontend];
    if ('unavailable' in endpoint) continue;
    try {
      await scenario.measure(endpoint.port, { options: short, target });
    } catch {
      // The measured rounds report what fails.
    }
  }
}

async function runRounds(scenario: RoundScenario, targets: readonly Target[], options: BenchOptions, samples: Sample[]): Promise<void> {
  await warmUp(scenario, targets, options);
  for (let round = 0; round < options.rounds; round += 1) {
    for (const target of orderForRound(targets, round)) {
      const endpoint = target.endpoints[scenario.frontend];
      let figures: Record<string, number> = {};
      let unavailable: string | undefined;
      if ('unavailable' in endpoint) unavailable = endpoint.unavailable;
      else {
        try {
          figures = await scenario.measure(endpoint.port, { options, target });
        } catch (err) {
          unavailable = (err as Error).message;
        }
      }
      for (const metric of scenario.metrics) {
        samples.push({ scenario: scenario.name, metric: metric.id, target: target.name, value: figures[metric.id] ?? null, ...(unavailable ? { unavailable } : {}) });
      }
      const shown = unavailable ? `n/a (${unavailable.slice(0, 100)})` : scenario.metrics.map((m) => `${m.label} ${formatNumber(figures[m.id] ?? Number.NaN)}`).join(', ');
      console.log(`  ${scenario.name} round ${round + 1}/${options.rounds} ${target.name}: ${shown}`);
    }
  }
}

async function runOnce(scenario: OnceScenario, context: Parameters<OnceScenario['run']>[0], samples: Sample[]): Promise<void> {
  const results = await scenario.run(context);
  for (const [target, result] of Object.entries(results) as [Target['name'], OnceResults[Target['name']]][]) {
    if (!result) continue;
    for (const metric of scenario.metrics) {
      if (typeof result.unavailable === 'string') {
        samples.push({ scenario: scenario.name, metric: metric.id, target, value: null, unavailable: result.unavailable });
      } else {
        samples.push({ scenario: scenario.name, metric: metric.id, target, value: (result as Figures)[metric.id] ?? null });
      }
    }
    console.log(`  ${scenario.name} ${target}: ${JSON.stringify(result).slice(0, 200)}`);
  }
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const missing = missingTools();
  if (missing.names.length > 0) {
    console.error(`Missing: ${missing.names.join(', ')}. Install with:\n  ${missing.installCommand}`);
    return 1;
  }
  const unknown = options.only.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown scenario(s): ${unknown.join(', ')}. Known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return 1;
  }
  const scenarios = SCENARIOS.filter((scenario) => options.only.length === 0 || options.only.includes(scenario.name));
  const machine = machineInfo();
  const limit = fileLimit();
  const idle = idleConnectionCount(options.idleConnections, limit);
  if (idle < options.idleConnections) console.log(`Open-files limit ${limit}: the idle-memory scenario holds ${idle} connections, not ${options.idleConnections}.`);
  console.log(`elbow benchmark: ${options.rounds} round(s) × ${options.duration} s, ${options.cores} core(s) per proxy, on ${machine.cpus} CPUs (${machine.cpuModel})`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'elbow-bench-'));
  let backends: Backends | undefined;
  let targets: Target[] = [];
  const samples: Sample[] = [];
  try {
    const tls = await makeTlsFiles(dir);
    const backendDir = path.join(dir, 'backend');
    mkdirSync(backendDir);
    backends = await startBackends(backendDir, tls, limit);
    const plan: ProxyPlan = { dir, cores: options.cores, backends: backends.ports, tls, maxConnections: Math.max(idle, Math.floor((limit - 300) / 2)), fileLimit: limit, profileDir: options.profileDir };
    console.log(`Starting ${PROXY_NAMES.join(', ')}…`);
    targets = await startTargets(plan);
    const held = backends.heldConnections;
    // Each fresh instance gets a data directory of its own: a second one on the first's store found
    // its load balancer (and VIP) already there.
    let freshStarts = 0;
    for (const scenario of scenarios) {
      console.log(`${scenario.name}: ${scenario.title}`);
      if (scenario.kind === 'round') await runRounds(scenario, targets, options, samples);
      else await runOnce(scenario, { options, startFresh: (name) => startProxy(name, plan, `${name}-fresh-${(freshStarts += 1)}`), heldConnections: held, plan }, samples);
    }
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
    await backends?.stop();
    await stopAllProcesses();
    rmSync(dir, { recursive: true, force: true });
  }

  const rows = summarize(samples, scenarios);
  console.log(`\n${formatTable(rows)}`);
  mkdirSync(options.resultsDir, { recursive: true });
  const subtitle = `${machine.date.slice(0, 10)} · ${machine.cpus} CPUs ${machine.cpuModel} · ${options.cores} core(s) per proxy · ${options.rounds}×${options.duration} s`;
  writeFileSync(path.join(options.resultsDir, 'latest.json'), `${JSON.stringify({ machine, options, rows, samples }, null, 2)}\n`);
  writeFileSync(path.join(options.resultsDir, 'latest.md'), formatMarkdown(rows, machine, options));
  writeFileSync(path.join(options.resultsDir, 'latest.svg'), ratioChart(rows, subtitle));
  console.log(`\nWrote ${options.resultsDir}/latest.{json,md,svg}`);
  if (options.profileDir) console.log(`elbow CPU profiles: ${options.profileDir} (open in Chrome DevTools or speedscope)`);
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping every process the benchmark started…`);
    void stopAllProcesses().finally(() => process.exit(130));
  });
}
process.once('exit', killAllProcessesNow);

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    await stopAllProcesses();
    process.exitCode = 1;
  },
);
