// TCP: up when a connection to the probe target completes.

import { connect } from 'node:net';
import type { Probe } from './probe.js';
import { runProbe } from './probe.js';

export const tcpProbe: Probe = (target, _monitor, signal) =>
  runProbe(signal, (finish) => {
    const socket = connect({ host: target.address, port: target.port });
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    return () => socket.destroy();
  });
