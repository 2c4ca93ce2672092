// Runs an iperf3 client through a TCP front end and reads the received throughput from its JSON.
import { runProcess } from './processes.js';
import { Unavailable } from './scenario.js';
import { HOST } from './system.js';

/** The receiver's bits per second from `iperf3 -J` output. */
export function parseIperfJson(text: string): number {
  const report = JSON.parse(text) as { error?: string; end?: { sum_received?: { bits_per_second?: number } } };
  if (report.error) throw new Error(report.error);
  const bits = report.end?.sum_received?.bits_per_second;
  if (typeof bits !== 'number') throw new Error('iperf3 reported no received throughput');
  return bits;
}

export async function runIperf(port: number, durationSeconds: number): Promise<number> {
  const { output, timedOut } = await runProcess(
    'iperf3 client',
    'iperf3',
    ['-c', HOST, '-p', String(port), '-t', String(durationSeconds), '-J', '--connect-timeout', '3000'],
    (durationSeconds + 20) * 1000,
  );
  if (timedOut) throw new Unavailable('iperf3 did not finish in time');
  try {
    return parseIperfJson(output);
  } catch (err) {
    throw new Unavailable(`iperf3: ${(err as Error).message.slice(0, 160)}`);
  }
}
