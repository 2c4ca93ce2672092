// Gives memory back when a worker goes idle. Workers run with --no-incremental-marking
// (worker-supervisor.ts), which also turns off V8's memory reducer: the garbage collections V8
// starts by itself once a process is idle, to shrink what a burst of load grew. Without them an
// idle worker collects nothing until it allocates again, so the socket buffers of finished
// connections (malloc memory, freed only when their JavaScript objects are collected) and the
// grown heap stay resident: 86 → 155 MB after a 20 s soak, unchanged 10 s after the load.
// This restores it: every few seconds, when the event loop was nearly idle and the process's RSS
// grew since the last such collection, a full collection (a few ms on a worker's small heap), and
// two more on the next idle ticks (V8 releases pages a collection freed lazily, as the later ones
// sweep), then nothing until the RSS grows again.

import { performance, type EventLoopUtilization } from 'node:perf_hooks';

export interface IdleCollectorOptions {
  /** V8's collector, exposed by --expose-gc. */
  readonly gc: () => void;
  readonly intervalMs?: number;
  /** Event loop utilization below which the worker counts as idle. */
  readonly idleUtilization?: number;
  /** RSS growth since the last collection that makes one worthwhile. */
  readonly growth?: number;
  /** Collections in a row, one per idle tick, once the growth is seen. */
  readonly rounds?: number;
  readonly rss?: () => number;
}

/** Starts the collector; returns the timer (unref'd: it never keeps a worker alive). */
export function startIdleCollector(options: IdleCollectorOptions): NodeJS.Timeout {
  const { gc, intervalMs = 5_000, idleUtilization = 0.02, growth = 1.1, rounds = 3, rss = () => process.memoryUsage.rss() } = options;
  let previous: EventLoopUtilization = performance.eventLoopUtilization();
  let collectedAt = rss();
  let left = 0;
  const timer = setInterval(() => {
    const current = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(current, previous).utilization;
    previous = current;
    if (busy > idleUtilization) return;
    if (left === 0 && rss() >= collectedAt * growth) left = rounds;
    if (left === 0) return;
    gc();
    left--;
    collectedAt = rss();
  }, intervalMs);
  timer.unref();
  return timer;
}
