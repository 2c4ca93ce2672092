// Scenario 5: UDP round trips/s and loss through a UDP front end (bench/load/udp-echo-load.ts
// against the Node UDP echo). HAProxy has no UDP, so elbow is compared with nginx here.
import { runNodeLoad } from '../node-load.js';
import { Unavailable } from '../scenario.js';
import type { RoundScenario } from '../scenario.js';

export const udp: RoundScenario = {
  kind: 'round',
  name: 'udp',
  title: 'UDP datagrams echoed through the listener',
  frontend: 'udp',
  metrics: [
    { id: 'dps', label: 'datagrams/s', unit: '/s', better: 'higher', ratioTo: 'nginx', goal: { on: 'ratio', op: '>=', value: 1.0 } },
    { id: 'loss', label: 'loss', unit: '%', better: 'lower', ratioTo: 'nginx', goal: { on: 'reference', op: '<=', value: 0 } },
  ],
  async measure(port, { options }) {
    const result = await runNodeLoad<{ sent: number; received: number; seconds: number }>(
      'udp-echo-load.ts',
      { port, duration: options.duration },
      (options.duration + 30) * 1000,
    );
    if (result.received === 0) throw new Unavailable(`no reply to ${result.sent} datagrams`);
    return { dps: result.received / result.seconds, loss: (100 * (result.sent - result.received)) / result.sent };
  },
};
