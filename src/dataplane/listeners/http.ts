// HTTP listener: plain HTTP/1.x from clients, HTTP/1.1 to the members of HTTP pools.

import { createServer } from 'node:http';
import type { ListenerFactory } from '../listener-runtime.js';
import { DEFAULT_HTTP_LIMITS, httpServerOptions, runL7Listener, type HttpLimits } from '../http/l7-listener.js';

export function httpListenerFactory(limits: HttpLimits = DEFAULT_HTTP_LIMITS): ListenerFactory {
  return (config, context) => runL7Listener(config, context, 'http', limits, () => ({ server: createServer(httpServerOptions(limits)) }));
}

export const createHttpListener: ListenerFactory = httpListenerFactory();
