// Keeps a busy worker's heap near what it holds alive. Workers run with --no-incremental-marking
// (worker-supervisor.ts: +20% TCP throughput), and then V8 starts a full collection only when the
// old generation reaches a limit it grows by itself, several times the live size: under wrk -c100
// plus TCP churn a worker's heap held 25-60 MB alive but grew to 360 MB of garbage before V8
// collected it (RSS peaks of 450-890 MB; issue 10 bounds them at 300 MB). This sets a lower
// ceiling: every few hundred ms, when the used heap is over `factor` times what the last full
// collection left (and over `floor`), one full collection now. Its cost follows the live size,
// not the garbage, so collecting earlier costs a few short pauses, not throughput.

export interface HeapCeilingOptions {
  /** V8's collector, exposed by --expose-gc. */
  readonly gc: () => void;
  /** The used heap in bytes (v8.getHeapStatistics().used_heap_size). */
  readonly usedHeap: () => number;
  readonly intervalMs?: number;
  /** Allowed growth over the heap the last collection left. */
  readonly factor?: number;
  /** Never collect below this many bytes of used heap. */
  readonly floor?: number;
}

/** Starts the check; returns the timer (unref'd: it never keeps a worker alive). */
export function startHeapCeiling(options: HeapCeilingOptions): NodeJS.Timeout {
  const { gc, usedHeap, intervalMs = 250, factor = 2, floor = 64 * 2 ** 20 } = options;
  let live = usedHeap();
  const timer = setInterval(() => {
    const used = usedHeap();
    // V8 collected by itself since: what it left is the better estimate of the live size.
    if (used < live) live = used;
    if (used < Math.max(floor, live * factor)) return;
    gc();
    live = usedHeap();
  }, intervalMs);
  timer.unref();
  return timer;
}
