// UDP-CONNECT, as Octavia's keepalived check: send a datagram from a connected socket; an ICMP
// port unreachable (ECONNREFUSED on that socket) means down; a reply, or silence until the
// timeout, means up.

import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Probe } from './probe.js';
import { runProbe } from './probe.js';

const PAYLOAD = Buffer.from('elbow-health-check\n');

export const udpConnectProbe: Probe = (target, _monitor, signal) =>
  runProbe(
    signal,
    (finish) => {
      const socket = createSocket(isIPv6(target.address) ? 'udp6' : 'udp4');
      socket.on('error', () => finish(false));
      socket.on('message', () => finish(true));
      socket.connect(target.port, target.address, () => socket.send(PAYLOAD, (error) => error && finish(false)));
      return () => {
        try {
          socket.close();
        } catch {
          // Already closed after an error.
        }
      };
    },
    true,
  );
