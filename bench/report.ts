// Turns samples into the result table (medians, ratios, goals) and renders it as text and
// Markdown. Pure functions: no I/O here (run.ts writes the files).
import type { MachineInfo } from './system.js';
import type { BenchOptions } from './options.js';
import { TARGET_LABELS, TARGET_NAMES } from './scenario.js';
import type { ElbowName, Goal, MetricDef, Sample, Scenario, TargetName, Versus } from './scenario.js';

export type Cell = { value: number } | { unavailable: string } | null;

export interface Row {
  scenario: string;
  title: string;
  metric: MetricDef;
  /** null = not measured for that target (e.g. elbow-only scenarios), or shown in another row. */
  cells: Record<TargetName, Cell>;
  /** Whose figure the ratio and goal are about: elbow's (Node engine) or elbow-haproxy's. */
  subject: ElbowName;
  /** The subject ÷ the metric's reference proxy. */
  ratio: number | null;
  goal: string;
  met: boolean | null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function cellOf(samples: readonly Sample[]): Cell {
  const values = samples.flatMap((sample) => (sample.value !== null && Number.isFinite(sample.value) ? [sample.value] : []));
  const middle = median(values);
  if (middle !== null) return { value: middle };
  const reason = samples.find((sample) => sample.unavailable !== undefined)?.unavailable;
  return reason === undefined ? null : { unavailable: reason };
}

const valueOf = (cell: Cell): number | null => (cell && 'value' in cell ? cell.value : null);

function compare(left: number, op: Goal['op'], right: number): boolean {
  if (op === '>=') return left >= right;
  if (op === '<=') return left <= right;
  return left < right;
}

/** 1 → "1.0", 0.95 → "0.95", 1.05 → "1.05". */
export function ratioText(value: number): string {
  const twoPlaces = value.toFixed(2);
  return twoPlaces.endsWith('0') ? value.toFixed(1) : twoPlaces;
}

export function goalText(metric: MetricDef): string {
  const goal = metric.goal;
  if (!goal) return '';
  if (goal.on === 'ratio') return `${goal.op} ${ratioText(goal.value)}x`;
  if (goal.on === 'reference') return `${goal.op} ${metric.ratioTo ?? '?'}`;
  return `${goal.op} ${goal.value} ${metric.unit}`.trim();
}

function goalMet(metric: MetricDef, elbow: number | null, cells: Record<TargetName, Cell>, ratio: number | null): boolean | null {
  const goal = metric.goal;
  if (!goal || elbow === null) return null;
  if (goal.on === 'ratio') return ratio === null ? null : compare(ratio, goal.op, goal.value);
  if (goal.on === 'elbow') return compare(elbow, goal.op, goal.value);
  const reference = metric.ratioTo ? valueOf(cells[metric.ratioTo]) : null;
  return reference === null ? null : compare(elbow, goal.op, reference + goal.value);
}

function rowOf(scenario: Scenario, metric: MetricDef, cells: Record<TargetName, Cell>, subject: ElbowName = 'elbow'): Row {
  const elbow = valueOf(cells[subject]);
  const reference = metric.ratioTo ? valueOf(cells[metric.ratioTo]) : null;
  const ratio = elbow !== null && reference !== null && reference !== 0 ? elbow / reference : null;
  return { scenario: scenario.name, title: scenario.title, metric, cells, subject, ratio, goal: goalText(metric), met: goalMet(metric, elbow, cells, ratio) };
}

/** The cells of the targets named, every other one null ("-"): a row that reads as the one comparison it is. */
function onlyCells(cells: Record<TargetName, Cell>, shown: ReadonlyArray<TargetName | undefined>): Record<TargetName, Cell> {
  return Object.fromEntries(TARGET_NAMES.map((target) => [target, shown.includes(target) ? cells[target] : null])) as Record<TargetName, Cell>;
}

/**
 * A further comparison of a figure as a row of its own: the label names the other proxy, and only
 * elbow's cell and that proxy's are filled, so the row reads as the one comparison it is.
 */
function versusRow(scenario: Scenario, metric: MetricDef, versus: Versus, cells: Record<TargetName, Cell>): Row {
  const compared: MetricDef = {
    id: metric.id,
    label: `${metric.label} vs ${versus.ratioTo}`,
    unit: metric.unit,
    better: metric.better,
    ratioTo: versus.ratioTo,
    ...(versus.goal ? { goal: versus.goal } : {}),
  };
  return rowOf(scenario, compared, onlyCells(cells, ['elbow', versus.ratioTo]));
}

/**
 * The haproxy engine's figure as a row of its own, right under the Node engine's: its ratio to the
 * reference and its own goal (issue 9's), with only those two cells filled.
 */
function haproxyEngineRow(scenario: Scenario, metric: MetricDef, cells: Record<TargetName, Cell>): Row {
  const ratioTo = metric.haproxyEngine?.ratioTo ?? metric.ratioTo;
  const goal = metric.haproxyEngine?.goal;
  const engine: MetricDef = {
    id: metric.id,
    label: `${metric.label}, haproxy engine`,
    unit: metric.unit,
    better: metric.better,
    ...(ratioTo ? { ratioTo } : {}),
    ...(goal ? { goal } : {}),
  };
  return rowOf(scenario, engine, onlyCells(cells, ['elbow-haproxy', ratioTo]), 'elbow-haproxy');
}

/**
 * Per scenario metric, in scenario order: the row of every target but the haproxy engine (when any
 * has a sample), one per further comparison, then the haproxy engine's row (when it has a sample).
 */
export function summarize(samples: readonly Sample[], scenarios: readonly Scenario[]): Row[] {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    const ofScenario = samples.filter((sample) => sample.scenario === scenario.name);
    if (ofScenario.length === 0) continue;
    for (const metric of scenario.metrics) {
      const cells = Object.fromEntries(
        TARGET_NAMES.map((target) => [target, cellOf(ofScenario.filter((sample) => sample.target === target && sample.metric === metric.id))]),
      ) as Record<TargetName, Cell>;
      const others = onlyCells(cells, TARGET_NAMES.filter((target) => target !== 'elbow-haproxy'));
      if (Object.values(others).some((cell) => cell !== null)) {
        rows.push(rowOf(scenario, metric, others));
        for (const versus of metric.versus ?? []) rows.push(versusRow(scenario, metric, versus, cells));
      }
      if (cells['elbow-haproxy'] !== null) rows.push(haproxyEngineRow(scenario, metric, cells));
    }
  }
  return rows;
}

export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Table cells as text; n/a reasons become numbered notes so the table stays narrow. */
export function tableCells(rows: readonly Row[]): { header: string[]; lines: string[][]; notes: string[] } {
  const notes: string[] = [];
  const noteFor = (reason: string): string => {
    let index = notes.indexOf(reason);
    if (index < 0) index = notes.push(reason) - 1;
    return `n/a [${index + 1}]`;
  };
  const header = ['scenario', 'metric', ...TARGET_NAMES.map((target) => TARGET_LABELS[target]), 'elbow ratio', 'goal', 'met'];
  const lines = rows.map((row) => [
    row.scenario,
    row.metric.unit && !row.metric.label.includes(row.metric.unit) ? `${row.metric.label} (${row.metric.unit})` : row.metric.label,
    ...TARGET_NAMES.map((target) => {
      const cell = row.cells[target];
      if (cell === null) return '-';
      return 'value' in cell ? formatNumber(cell.value) : noteFor(cell.unavailable);
    }),
    row.ratio === null ? '-' : `${row.ratio.toFixed(2)}x ${row.metric.ratioTo}`,
    row.goal || '-',
    row.met === null ? '-' : row.met ? 'yes' : 'NO',
  ]);
  return { header, lines, notes: notes.map((note, i) => `[${i + 1}] ${note}`) };
}

export function formatTable(rows: readonly Row[]): string {
  const { header, lines, notes } = tableCells(rows);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const render = (line: readonly string[]): string =>
    line.map((text, column) => (column < 2 ? text.padEnd(widths[column] ?? 0) : text.padStart(widths[column] ?? 0))).join('  ');
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render), '', ...notes].join('\n');
}

export function formatMarkdown(rows: readonly Row[], machine: MachineInfo, options: BenchOptions): string {
  const { header, lines, notes } = tableCells(rows);
  const escape = (text: string): string => text.replaceAll('|', '\\|');
  return `# elbow benchmark: ${machine.date.slice(0, 10)}

Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.kernel}; Node ${machine.node}; ${machine.haproxy}; ${machine.nginx}; ${machine.httpProxy}.
Run: ${options.rounds} round(s) of ${options.duration} s per measurement, medians; ${options.cores} core(s) per proxy
(HAProxy nbthread, nginx worker_processes, elbow --workers). All traffic on 127.0.0.1; the load
generators share the machine. "elbow ratio" is elbow ÷ HAProxy (÷ nginx for UDP); a row named
"… vs node-http-proxy" is elbow ÷ the node-http-proxy balancer (bench/servers/node-http-proxy.ts);
a row named "…, haproxy engine" is about \`elbow serve --engine haproxy\` (its HAProxy with
nbthread ${options.cores}), its ratio elbow (haproxy engine) ÷ HAProxy.

| ${header.join(' | ')} |
| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |
${lines.map((line) => `| ${line.map(escape).join(' | ')} |`).join('\n')}

${notes.map((note) => `- ${escape(note)}`).join('\n')}

Reproduce: \`npm run bench\` (see docs/benchmark.md). Chart of the ratios: latest.svg.
`;
}
