// Scenario 4: TCP bulk throughput (iperf3 through a TCP front end) and TCP connections/s
// (bench/load/tcp-connect.ts: connect, echo 16 bytes, close).
import { runIperf } from '../iperf.js';
import { connectionRate } from '../node-load.js';
import { HAPROXY_SPEED } from '../scenario.js';
import type { RoundScenario } from '../scenario.js';

const CONNECT_CONCURRENCY = 16;

export const tcpBulk: RoundScenario = {
  kind: 'round',
  name: 'tcp-bulk',
  title: 'TCP bulk throughput (iperf3)',
  frontend: 'tcpBulk',
  metrics: [{ id: 'gbps', label: 'throughput', unit: 'Gbit/s', better: 'higher', ratioTo: 'haproxy', goal: { on: 'ratio', op: '>=', value: 0.9 }, haproxyEngine: HAPROXY_SPEED }],
  async measure(port, { options }) {
    return { gbps: (await runIperf(port, options.duration)) / 1e9 };
  },
};

export const tcpConnections: RoundScenario = {
  kind: 'round',
  name: 'tcp-connections',
  title: 'TCP connections/s (connect, echo, close)',
  frontend: 'tcpEcho',
  metrics: [{ id: 'cps', label: 'connections/s', unit: '/s', better: 'higher', ratioTo: 'haproxy', goal: { on: 'ratio', op: '>=', value: 0.8 } }],
  async measure(port, { options }) {
    return { cps: await connectionRate('tcp-connect.ts', { port, duration: options.duration, concurrency: CONNECT_CONCURRENCY }, 0.05, 'connections') };
  },
};
