// The probe for each health monitor type. PING is a TCP connect to the probe port (sending ICMP
// echo needs raw sockets and privileges elbow does not ask for); SCTP, which no elbow pool
// protocol accepts, falls back to the same.

import type { HealthMonitorType } from '../../../model/types.js';
import { httpHealthProbe, httpsHealthProbe } from './http-probe.js';
import type { Probe } from './probe.js';
import { tcpProbe } from './tcp-probe.js';
import { tlsHelloProbe } from './tls-hello-probe.js';
import { udpConnectProbe } from './udp-connect-probe.js';

export const PROBES = {
  TCP: tcpProbe,
  HTTP: httpHealthProbe,
  HTTPS: httpsHealthProbe,
  PING: tcpProbe,
  'TLS-HELLO': tlsHelloProbe,
  'UDP-CONNECT': udpConnectProbe,
  SCTP: tcpProbe,
} satisfies Record<HealthMonitorType, Probe>;
