// Stand-in for a listener protocol whose implementation is not in this build yet: start()
// rejects, so the data plane reports the listener as an error and everything else keeps running.

import type { ListenerFactory } from '../listener-runtime.js';

export function notImplementedListener(protocol: string): ListenerFactory {
  return (config) => ({
    id: config.id,
    start: () => Promise.reject(new Error(`protocol ${protocol} not implemented yet`)),
    update: () => undefined,
    close: () => Promise.resolve(),
    openConnections: 0,
  });
}
