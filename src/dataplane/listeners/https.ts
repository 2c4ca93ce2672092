// HTTPS / TERMINATED_HTTPS listener: TLS terminated with the listener's certificates (SNI, mTLS),
// HTTP/2 and HTTP/1.1 from clients on one server (ALPN), HTTP/1.1 to members (re-encrypted for
// HTTPS pools), the same proxy as the HTTP listener.

import { createSecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as TlsServer } from 'node:tls';
import type { ListenerFactory } from '../listener-runtime.js';
import { ScreenedIncomingMessage } from '../http/upgrade-admission.js';
import { DEFAULT_HTTP_LIMITS, httpServerOptions, runL7Listener, type HttpLimits } from '../http/l7-listener.js';
import { offersHttp2, TlsServerBinding } from '../tls/tls-server-binding.js';

export function httpsListenerFactory(limits: HttpLimits = DEFAULT_HTTP_LIMITS): ListenerFactory {
  return (config, context) => {
    const binding = new TlsServerBinding(config);
    return runL7Listener(config, context, 'https', limits, () => {
      const options = { ...httpServerOptions(limits), ...binding.serverOptions() };
      // allowHTTP1: one server answers h2 and http/1.1 clients, chosen by ALPN.
      const server: TlsServer = offersHttp2(config)
        ? createSecureServer({ ...options, allowHTTP1: true, Http1IncomingMessage: ScreenedIncomingMessage, maxSessionMemory: 64, settings: { maxHeaderListSize: limits.maxHeaderSize, maxConcurrentStreams: limits.maxConcurrentStreams } })
        : createHttpsServer({ ...options, ALPNProtocols: ['http/1.1'] });
      binding.attach(server);
      return { server, reconfigure: (next, nextContext) => binding.update(server, next, nextContext) };
    });
  };
}

export const createHttpsListener: ListenerFactory = httpsListenerFactory();
