// Live charts of one listener from the stream's `stats` events, with uPlot: connections,
// requests/s by status class, bytes in/out per second and latency p50/p99 over the last minutes.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';
import type { ListenerSample, StatsEvent } from '../api/live-stream';

/** Points kept: five minutes at the stream's one tick per second. */
export const WINDOW_POINTS = 300;

export interface Series {
  label: string;
  /** CSS variable holding the line colour (themes change it). */
  colour: string;
  value: (sample: ListenerSample) => number | null;
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  series: Series[];
}

const rate = (pick: (s: ListenerSample) => number | null) => (s: ListenerSample) => pick(s);

export const LISTENER_CHARTS: ChartSpec[] = [
  {
    id: 'connections',
    title: 'Connections',
    unit: '',
    series: [
      { label: 'open', colour: '--c1', value: (s) => s.active_connections },
      { label: 'new/s', colour: '--c2', value: rate((s) => s.connections_per_s) },
    ],
  },
  {
    id: 'requests',
    title: 'Requests/s by status',
    unit: '/s',
    series: (['1xx', '2xx', '3xx', '4xx', '5xx'] as const).map((c, i) => ({ label: c, colour: `--s${i + 1}`, value: (s: ListenerSample) => s.requests_per_s?.[c] ?? null })),
  },
  {
    id: 'bytes',
    title: 'Bytes/s',
    unit: 'B/s',
    series: [
      { label: 'in', colour: '--c1', value: (s) => s.bytes_in_per_s },
      { label: 'out', colour: '--c2', value: (s) => s.bytes_out_per_s },
    ],
  },
  {
    id: 'latency',
    title: 'Latency',
    unit: 'ms',
    series: [
      { label: 'p50', colour: '--c1', value: (s) => s.latency_ms.p50 },
      { label: 'p99', colour: '--c3', value: (s) => s.latency_ms.p99 },
    ],
  },
];

/** The last WINDOW_POINTS samples of one listener, as uPlot's columns: time, then each series. */
export class ListenerHistory {
  readonly times: number[] = [];
  readonly columns = new Map<string, (number | null)[][]>();

  push(event: StatsEvent, listenerId: string): void {
    const sample = event.listeners[listenerId];
    if (sample === undefined) return;
    this.times.push(Date.parse(event.time) / 1000);
    for (const chart of LISTENER_CHARTS) {
      const columns = this.columns.get(chart.id) ?? chart.series.map(() => []);
      chart.series.forEach((series, i) => columns[i]?.push(series.value(sample)));
      this.columns.set(chart.id, columns);
    }
    if (this.times.length > WINDOW_POINTS) {
      this.times.shift();
      for (const columns of this.columns.values()) for (const column of columns) column.shift();
    }
  }

  data(chartId: string): uPlot.AlignedData {
    const columns = this.columns.get(chartId) ?? [];
    return [this.times, ...columns] as uPlot.AlignedData;
  }
}

function cssColour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '–';
  if (unit === 'B/s') {
    const units = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
    let v = value;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
  }
  return `${Math.round(value * 100) / 100}${unit === '/s' ? '/s' : unit ? ` ${unit}` : ''}`;
}

/** One chart; `version` changes when new data arrived (the history object is mutated in place). */
export function LiveChart({ spec, history, version, theme }: { spec: ChartSpec; history: ListenerHistory; version: number; theme: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const axis = { stroke: cssColour('--muted'), grid: { stroke: cssColour('--grid'), width: 1 }, ticks: { stroke: cssColour('--grid') } };
    const options: uPlot.Options = {
      width: Math.max(240, element.clientWidth),
      height: 160,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min ?? 0), Math.max(1, (max ?? 1) * 1.1)] } },
      axes: [
        { ...axis, space: 60 },
        { ...axis, size: 76, values: (_u, ticks) => ticks.map((t) => formatValue(t, spec.unit)) },
      ],
      series: [{}, ...spec.series.map((s) => ({ label: s.label, stroke: cssColour(s.colour), width: 2, spanGaps: false, value: (_u: uPlot, v: number | null) => formatValue(v, spec.unit) }))],
    };
    plot.current = new uPlot(options, history.data(spec.id), element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(240, element.clientWidth), height: 160 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [spec.id, theme]);

  useEffect(() => {
    plot.current?.setData(history.data(spec.id));
  }, [version]);

  const last = history.columns.get(spec.id)?.map((column) => column.at(-1));
  return (
    <figure class="chart" data-chart={spec.id}>
      <figcaption>
        <span>{spec.title}</span>
        <span class="now" data-testid={`now-${spec.id}`}>
          {spec.series.map((s, i) => (
            <span key={s.label}>
              {s.label} <b data-series={s.label}>{formatValue(last?.[i], spec.unit)}</b>
            </span>
          ))}
        </span>
      </figcaption>
      <div ref={host} class="plot" role="img" aria-label={`${spec.title} over the last ${WINDOW_POINTS / 60} minutes`} />
    </figure>
  );
}
