// The engines the behaviour suite runs against: every test file takes each engine in turn and
// runs the same tests, with the same expectations, against the same hand-built snapshots
// (test/unit/dataplane/support.ts). The Node data plane runs in this process; HAProxy runs as
// the engine's supervised child, and its half is skipped, with the reason shown, where HAProxy
// ≥ 2.6 is missing. Where the engines genuinely differ, the test says so with
// `engine.name === 'haproxy' ? … : …` and a comment; DIFFERENCES.md lists every such place.
// Each started engine reports into its own runtime view (`runtime`), where the tests read member
// statuses and listener errors, as the API does.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { createDataPlane } from '../../src/dataplane/dataplane.js';
import { createHaproxyEngine } from '../../src/engines/haproxy/engine.js';
import { RuntimeView } from '../../src/snapshot/runtime-view.js';
import type { ApplyReport, Snapshot, SnapshotApplier } from '../../src/snapshot/snapshot.js';
import { haproxyMissing } from '../helpers/haproxy.js';

export type EngineName = 'node' | 'haproxy';

/** A started engine: the seam the control plane drives, and a close that drains within `drainMs`. */
export type RunningEngine = SnapshotApplier & {
  close(drainMs?: number): Promise<void>;
  /** What the engine reports it runs (applies' outcomes, member statuses), as the API reads it. */
  readonly runtime: RuntimeView;
};

export interface StartOptions {
  /** How long a removed listener's connections may finish (default 5 s). */
  readonly drainMs?: number;
  /** Where listeners with access_log on write <listener id>.log. */
  readonly accessLogDir?: string;
}

/** Where a started engine registers its stop: a test's `t`, or node:test's suite-level `{ after }`. */
export interface Cleanup {
  after(fn: () => Promise<void> | void): void;
}

export interface BehaviourEngine {
  readonly name: EngineName;
  /** false when the engine can run here; else why its half of the suite is skipped. */
  readonly missing: string | false;
  /** Starts the engine; it is closed (and its files removed) after the test or suite `t` stands for. */
  start(t: Cleanup, options?: StartOptions): Promise<RunningEngine>;
}

const DEFAULT_DRAIN_MS = 5_000;

export const nodeEngine: BehaviourEngine = {
  name: 'node',
  missing: false,
  async start(t, options = {}) {
    const runtime = new RuntimeView();
    const plane = createDataPlane({
      drainMs: options.drainMs ?? DEFAULT_DRAIN_MS,
      runtime: runtime.part('node'),
      ...(options.accessLogDir !== undefined ? { accessLogDir: options.accessLogDir } : {}),
    });
    t.after(() => plane.close(0));
    return Object.assign(plane, { runtime });
  },
};

export const haproxyEngine: BehaviourEngine = {
  name: 'haproxy',
  get missing() {
    return haproxyMissing();
  },
  async start(t, options = {}) {
    const dataDir = mkdtempSync(join(tmpdir(), 'elbow-behaviour-'));
    const bin = process.env.ELBOW_HAPROXY_BIN;
    const runtime = new RuntimeView();
    const engine = await createHaproxyEngine({
      dataDir,
      drainMs: options.drainMs ?? DEFAULT_DRAIN_MS,
      runtime: runtime.part('haproxy'),
      ...(bin !== undefined ? { bin } : {}),
      ...(options.accessLogDir !== undefined ? { accessLogDir: options.accessLogDir } : {}),
    });
    t.after(async () => {
      await engine.close(0);
      rmSync(dataDir, { recursive: true, force: true });
    });
    return Object.assign(engine, { runtime });
  },
};

export const ENGINES: readonly BehaviourEngine[] = [nodeEngine, haproxyEngine];

/** One `describe` per engine, titled `<title> (<engine> engine)`, skipped visibly where the engine is missing. */
export function forEachEngine(title: string, body: (engine: BehaviourEngine) => void, options: { timeout?: number } = {}): void {
  for (const engine of ENGINES) {
    describe(`${title} (${engine.name} engine)`, { skip: engine.missing, timeout: options.timeout ?? 120_000 }, () => body(engine));
  }
}

/**
 * One engine for every test of the calling suite: started before them, stopped after them. Call
 * it while the suite is defined, before the suite's own `before` hooks that use it.
 */
export function engineForSuite(engine: BehaviourEngine, options?: StartOptions): () => RunningEngine {
  let running: RunningEngine | undefined;
  const stops: (() => Promise<void> | void)[] = [];
  before(async () => {
    running = await engine.start({ after: (stop) => stops.push(stop) }, options);
  });
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  return () => {
    if (running === undefined) throw new Error(`the ${engine.name} engine has not started`);
    return running;
  };
}

/** Applies `snapshot` and checks every listener of it serves (no listener errors). */
export async function applyServing(engine: SnapshotApplier, snapshot: Snapshot): Promise<ApplyReport> {
  const report = await engine.apply(snapshot);
  assert.deepEqual(report.listenerErrors, {}, `every listener serves (revision ${snapshot.revision})`);
  return report;
}

/** Revisions for the snapshots of one test, in order. */
export function revisions(): () => number {
  let revision = 0;
  return () => ++revision;
}
