// TLS-HELLO: up when a TLS handshake completes. Any certificate is accepted: this checks that
// the member speaks TLS, not who it is.

import { connect } from 'node:tls';
import type { Probe } from './probe.js';
import { runProbe } from './probe.js';

export const tlsHelloProbe: Probe = (target, _monitor, signal) =>
  runProbe(signal, (finish) => {
    const socket = connect({ host: target.address, port: target.port, rejectUnauthorized: false });
    socket.once('secureConnect', () => finish(true));
    socket.once('error', () => finish(false));
    return () => socket.destroy();
  });
