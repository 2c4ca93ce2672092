// One listener factory per listener protocol.

import type { ListenerRegistry } from '../listener-runtime.js';
import { createHttpListener } from './http.js';
import { createHttpsListener } from './https.js';
import { createSslListener } from './ssl.js';
import { createTcpListener } from './tcp.js';
import { createUdpListener } from './udp.js';

export const LISTENERS = {
  TCP: createTcpListener,
  UDP: createUdpListener,
  HTTP: createHttpListener,
  HTTPS: createHttpsListener,
  TERMINATED_HTTPS: createHttpsListener,
  SSL: createSslListener,
} satisfies ListenerRegistry;
