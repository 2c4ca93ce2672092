// When to restart a worker that died: exponential backoff, bounded, forgiven after a stable run.

export interface RestartPolicy {
  /** Delay before the first restart after a stable run. Default 100 ms. */
  readonly initialDelayMs: number;
  /** Upper bound of the delay, however often the worker crashes. Default 10 s. */
  readonly maxDelayMs: number;
  /** A worker that ran this long is stable: its next crash starts again from initialDelayMs. Default 30 s. */
  readonly stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 10_000, stableAfterMs: 30_000 };

/**
 * `crashes` counts consecutive short-lived runs before this one (0 after a stable run).
 * Returns the delay before the next start and the new consecutive-crash count.
 */
export function nextRestart(
  policy: RestartPolicy,
  crashes: number,
  uptimeMs: number,
): { delayMs: number; crashes: number } {
  const consecutive = uptimeMs >= policy.stableAfterMs ? 0 : crashes;
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** consecutive);
  return { delayMs, crashes: consecutive + 1 };
}
