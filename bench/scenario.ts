// The shapes every scenario, proxy and report share.
import type { BenchOptions } from './options.js';

export const TARGET_NAMES = ['direct', 'haproxy', 'nginx', 'node-http-proxy', 'elbow', 'elbow-haproxy'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];
/** elbow with each engine: `elbow serve` (the Node data plane) and `elbow serve --engine haproxy`. */
export type ElbowName = Extract<TargetName, 'elbow' | 'elbow-haproxy'>;
/** A proxy elbow's figures are compared with. */
export type ReferenceName = Exclude<TargetName, 'direct' | ElbowName>;

/** Column titles of the report. */
export const TARGET_LABELS: Readonly<Record<TargetName, string>> = {
  direct: 'direct',
  haproxy: 'haproxy',
  nginx: 'nginx',
  'node-http-proxy': 'node-http-proxy',
  elbow: 'elbow',
  'elbow-haproxy': 'elbow (haproxy engine)',
};

/** The kinds of front ends a proxy offers, each forwarding to its own backend. */
export type Frontend = 'http' | 'https' | 'tcpBulk' | 'tcpEcho' | 'udp' | 'tcpIdle';

/** A front end a target serves, or why it does not. */
export type Endpoint = { port: number } | { unavailable: string };

export interface BackendPorts {
  /** nginx returning 200 "ok" with keep-alive. */
  http: number;
  /** The same nginx over TLS, for the "direct" HTTPS column. */
  https: number;
  /** iperf3 -s. */
  tcpBulk: number;
  /** Echoes a payload, then closes. */
  tcpEcho: number;
  /** Echoes every datagram to its sender. */
  udp: number;
  /** Accepts and holds connections. */
  tcpIdle: number;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** Certificate followed by key, as HAProxy wants it. */
  pemFile: string;
}

/** What a proxy needs to know to configure itself. */
export interface ProxyPlan {
  dir: string;
  cores: number;
  backends: BackendPorts;
  tls: TlsFiles;
  /** Connections a proxy must accept at once (the idle-connection scenario sets it). */
  maxConnections: number;
  /** Open-files limit children may raise themselves to. */
  fileLimit: number;
  /** Where elbow writes CPU profiles (--profile), or null. */
  profileDir: string | null;
}

export interface Target {
  readonly name: TargetName;
  readonly endpoints: Readonly<Record<Frontend, Endpoint>>;
  /** The process whose tree's RSS is the proxy's memory; null for direct. */
  readonly pid: number | null;
  stop(): Promise<void>;
}

/**
 * A goal (issues 5 and 9): on the ratio to the reference proxy, on elbow's own figure, or on
 * elbow's figure against the reference's (`elbow op reference + value`, e.g. no more loss than
 * nginx). "elbow" is the row's elbow: the Node engine's, or the haproxy engine's in its own row.
 */
export interface Goal {
  on: 'ratio' | 'elbow' | 'reference';
  op: '>=' | '<=' | '<';
  value: number;
}

export interface MetricDef {
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** The proxy elbow's ratio is taken against; none for elbow-only figures. */
  ratioTo?: ReferenceName;
  goal?: Goal;
  /** Further comparisons of the same figure, each shown as its own row (requests/s vs node-http-proxy). */
  versus?: readonly Versus[];
  /**
   * The haproxy engine's row of this figure (shown whenever elbow-haproxy has a sample): its ratio
   * to this reference (default: the metric's) and its goal (issue 9's; default none).
   */
  haproxyEngine?: { ratioTo?: ReferenceName; goal?: Goal };
}

/** Issue 9's goal for the haproxy engine: within 5% of hand-written HAProxy (a higher-is-better figure). */
export const HAPROXY_SPEED: NonNullable<MetricDef['haproxyEngine']> = { goal: { on: 'ratio', op: '>=', value: 0.95 } };
/** The same for a lower-is-better figure (latency): at most 5% above HAProxy's. */
export const HAPROXY_LATENCY: NonNullable<MetricDef['haproxyEngine']> = { goal: { on: 'ratio', op: '<=', value: 1.05 } };

export interface Versus {
  ratioTo: ReferenceName;
  goal?: Goal;
}

export type Figures = Record<string, number>;

/** Thrown by a measurement that cannot be made for a target; the cell shows "n/a (reason)". */
export class Unavailable extends Error {}

export interface MeasureContext {
  options: BenchOptions;
  target: Target;
}

/** Measured once per target per round, targets interleaved. */
export interface RoundScenario {
  kind: 'round';
  name: string;
  title: string;
  frontend: Frontend;
  metrics: readonly MetricDef[];
  measure(port: number, context: MeasureContext): Promise<Figures>;
}

export interface RunContext {
  options: BenchOptions;
  /** Starts a fresh instance of a proxy (files under its own directory); the caller stops it. */
  startFresh(name: Exclude<TargetName, 'direct'>): Promise<Target>;
  /** Count of connections the idle backend holds right now. */
  heldConnections(): Promise<number>;
  plan: ProxyPlan;
}

export type OnceResults = Partial<Record<TargetName, Figures | { unavailable: string }>>;

/** Measured once per run (scale and memory): heavy, and about state rather than speed. */
export interface OnceScenario {
  kind: 'once';
  name: string;
  title: string;
  metrics: readonly MetricDef[];
  run(context: RunContext): Promise<OnceResults>;
}

export type Scenario = RoundScenario | OnceScenario;

/** One figure from one measurement, or why there is none. */
export interface Sample {
  scenario: string;
  metric: string;
  target: TargetName;
  value: number | null;
  unavailable?: string;
}
