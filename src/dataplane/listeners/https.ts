// HTTPS / TERMINATED_HTTPS listener: TLS terminated with the listener's certificates (SNI, mTLS),
// HTTP/2 and HTTP/1.1 from clients on one server (ALPN), HTTP/1.1 to members (re-encrypted for
// HTTPS pools), the same proxy as the HTTP listener. The server can always speak both: the ALPN
// list the listener offers (tls-server-binding.ts) decides, and changes live.

import { createSecureServer } from 'node:http2';
import type { Server as TlsServer } from 'node:tls';
import type { ListenerFactory } from '../listener-runtime.js';
import { ScreenedIncomingMessage } from '../http/upgrade-admission.js';
import { applyHttp1Options, DEFAULT_HTTP_LIMITS, httpServerOptions, runL7Listener, type HttpLimits } from '../http/l7-listener.js';
import { TlsServerBinding } from '../tls/tls-server-binding.js';

export function httpsListenerFactory(limits: HttpLimits = DEFAULT_HTTP_LIMITS): ListenerFactory {
  return (config, context) => {
    const binding = new TlsServerBinding(config);
    return runL7Listener(config, context, 'https', limits, () => {
      const options = { ...httpServerOptions(limits), ...binding.serverOptions() };
      // allowHTTP1: one server answers h2 and http/1.1 clients (and clients without ALPN), chosen by ALPN.
      const server: TlsServer = createSecureServer({ ...options, allowHTTP1: true, Http1IncomingMessage: ScreenedIncomingMessage, maxSessionMemory: 64, settings: { maxHeaderListSize: limits.maxHeaderSize, maxConcurrentStreams: limits.maxConcurrentStreams } });
      applyHttp1Options(server, limits);
      binding.attach(server, config);
      return { server, reconfigure: (next, nextContext) => binding.update(server, next, nextContext) };
    });
  };
}

export const createHttpsListener: ListenerFactory = httpsListenerFactory();
