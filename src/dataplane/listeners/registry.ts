// One listener factory per listener protocol.

import type { ListenerRegistry } from '../listener-runtime.js';
import { notImplementedListener } from './not-implemented.js';
import { createTcpListener } from './tcp.js';
import { createUdpListener } from './udp.js';

export const LISTENERS = {
  TCP: createTcpListener,
  UDP: createUdpListener,
  HTTP: notImplementedListener('HTTP'),
  HTTPS: notImplementedListener('HTTPS'),
  TERMINATED_HTTPS: notImplementedListener('TERMINATED_HTTPS'),
  SSL: notImplementedListener('SSL'),
} satisfies ListenerRegistry;
