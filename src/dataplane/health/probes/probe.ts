// A health probe: one check of one member, resolving true (up) or false (down). The probe loop
// aborts `signal` when the monitor's timeout is up; most probes then say down, UDP-CONNECT says
// up (silence is what a listening UDP service usually answers with).

import type { SnapshotHealthMonitor } from '../../../snapshot/snapshot.js';

export interface ProbeTarget {
  readonly address: string;
  readonly port: number;
}

export type Probe = (target: ProbeTarget, monitor: SnapshotHealthMonitor, signal: AbortSignal) => Promise<boolean>;

/**
 * Runs one probe: `start` sets it going and returns its cleanup; it calls `finish` with the
 * result. Abort (the timeout) finishes with `onTimeout`. Cleanup runs exactly once.
 */
export function runProbe(signal: AbortSignal, start: (finish: (ok: boolean) => void) => () => void, onTimeout = false): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(onTimeout);
    const state: { done: boolean; cleanup?: () => void } = { done: false };
    const finish = (ok: boolean) => {
      if (state.done) return;
      state.done = true;
      signal.removeEventListener('abort', timedOut);
      // finish may run inside start(), before its cleanup is known.
      if (state.cleanup) state.cleanup();
      else queueMicrotask(() => state.cleanup?.());
      resolve(ok);
    };
    const timedOut = () => finish(onTimeout);
    signal.addEventListener('abort', timedOut);
    state.cleanup = start(finish);
  });
}
