// The driver shared by the connection-rate load programs: `concurrency` loops, each opening one
// connection at a time and starting over once it closes, until the duration ends; then one JSON
// line: {"completed", "failed", "seconds"}.

/**
 * `open(settle, closed)` makes one connection: it calls `settle(ok)` when the attempt's outcome is
 * known (only the first call counts) and `closed()` once the connection is closed, which settles
 * an attempt still open as failed and starts the loop's next one.
 */
export type OpenConnection = (settle: (ok: boolean) => void, closed: () => void) => void;

export function runConnectionLoops(concurrency: number, durationMs: number, open: OpenConnection): void {
  const started = performance.now();
  const deadline = started + durationMs;
  let completed = 0;
  let failed = 0;
  let active = concurrency;
  const loop = (): void => {
    if (performance.now() >= deadline) {
      active -= 1;
      if (active === 0) process.stdout.write(`${JSON.stringify({ completed, failed, seconds: (performance.now() - started) / 1000 })}\n`);
      return;
    }
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      if (ok) completed += 1;
      else failed += 1;
    };
    open(settle, () => {
      settle(false);
      loop();
    });
  };
  for (let i = 0; i < concurrency; i += 1) loop();
}
