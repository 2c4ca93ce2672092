// The protocol tables of design.md §2 as data. Each table is typed `satisfies Record<…>` so that a
// protocol added to types.ts fails to compile until every table says what it means for it.

import type {
  HealthMonitorType,
  ListenerProtocol,
  PoolProtocol,
  SessionPersistenceType,
  Transport,
} from './types.js';

/** Transport family of each listener protocol: UDP is udp, everything else rides on tcp. */
export const LISTENER_TRANSPORT = {
  TCP: 'tcp',
  UDP: 'udp',
  HTTP: 'tcp',
  HTTPS: 'tcp',
  TERMINATED_HTTPS: 'tcp',
  SSL: 'tcp',
} as const satisfies Record<ListenerProtocol, Transport>;

/** Pool protocols a listener may send to (its default pool and its policies' redirect pools). */
export const LISTENER_POOL_PROTOCOLS = {
  TCP: ['TCP', 'PROXY', 'PROXYV2'],
  UDP: ['UDP'],
  HTTP: ['HTTP'],
  HTTPS: ['HTTP', 'HTTPS'],
  TERMINATED_HTTPS: ['HTTP', 'HTTPS'],
  SSL: ['TCP', 'PROXY', 'PROXYV2'],
} as const satisfies Record<ListenerProtocol, readonly PoolProtocol[]>;

/** Listener protocols that terminate TLS and so need a server certificate. */
export const TLS_LISTENER_PROTOCOLS = {
  TCP: false,
  UDP: false,
  HTTP: false,
  HTTPS: true,
  TERMINATED_HTTPS: true,
  SSL: true,
} as const satisfies Record<ListenerProtocol, boolean>;

/** Listener protocols that speak HTTP to the client, so forwarding policies (L7) apply. */
export const HTTP_LISTENER_PROTOCOLS = {
  TCP: false,
  UDP: false,
  HTTP: true,
  HTTPS: true,
  TERMINATED_HTTPS: true,
  SSL: false,
} as const satisfies Record<ListenerProtocol, boolean>;

// Octavia (api/v2/controllers/health_monitor.py): a UDP pool takes UDP-CONNECT, TCP or HTTP
// monitors; any other pool takes every type but UDP-CONNECT. SCTP monitors need SCTP pools,
// which elbow does not have.
const STREAM_POOL_MONITORS = ['TCP', 'HTTP', 'HTTPS', 'PING', 'TLS-HELLO'] as const;

/** Health monitor types valid for each pool protocol. */
export const POOL_HEALTH_MONITOR_TYPES = {
  TCP: STREAM_POOL_MONITORS,
  UDP: ['UDP-CONNECT', 'TCP', 'HTTP'],
  HTTP: STREAM_POOL_MONITORS,
  HTTPS: STREAM_POOL_MONITORS,
  PROXY: STREAM_POOL_MONITORS,
  PROXYV2: STREAM_POOL_MONITORS,
} as const satisfies Record<PoolProtocol, readonly HealthMonitorType[]>;

/** Health monitor types that send an HTTP request (and so take http_method, url_path, expected_codes). */
export const HTTP_HEALTH_MONITOR_TYPES = {
  TCP: false,
  HTTP: true,
  HTTPS: true,
  PING: false,
  'TLS-HELLO': false,
  'UDP-CONNECT': false,
  SCTP: false,
} as const satisfies Record<HealthMonitorType, boolean>;

/** Session persistence types valid for each pool protocol: cookies need HTTP to the backend. */
export const POOL_SESSION_PERSISTENCE_TYPES = {
  TCP: ['SOURCE_IP'],
  UDP: ['SOURCE_IP'],
  HTTP: ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'],
  HTTPS: ['SOURCE_IP', 'HTTP_COOKIE', 'APP_COOKIE'],
  PROXY: ['SOURCE_IP'],
  PROXYV2: ['SOURCE_IP'],
} as const satisfies Record<PoolProtocol, readonly SessionPersistenceType[]>;

/** Listener protocols a REDIRECT_TO_LISTENER policy may point at (HTTP → HTTPS upgrade). */
export const REDIRECT_TARGET_PROTOCOLS: readonly ListenerProtocol[] = ['HTTPS', 'TERMINATED_HTTPS'];

/** Listener protocols a REDIRECT_TO_LISTENER policy may live on. */
export const REDIRECT_SOURCE_PROTOCOLS: readonly ListenerProtocol[] = ['HTTP'];

export function transportOf(protocol: ListenerProtocol): Transport {
  return LISTENER_TRANSPORT[protocol];
}
