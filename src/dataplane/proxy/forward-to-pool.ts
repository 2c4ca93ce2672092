// The L4 forwarding step shared by the TCP and SSL listeners: an admitted client stream (plain TCP,
// or the decrypted side of a TLS socket) goes to a member of the listener's default pool — connect
// with retries (connect-member), a PROXY v1/v2 header for PROXY/PROXYV2 pools, then a full-duplex
// splice. No member available: the client is reset at once rather than left hanging.

import type { Socket } from 'node:net';
import type { ListenerContext } from '../listener-runtime.js';
import type { SnapshotListener } from '../../snapshot/snapshot.js';
import { connectMember } from './connect-member.js';
import { proxyHeaderV1, proxyHeaderV2 } from './proxy-protocol.js';
import { abort, splice } from './splice.js';

export function forwardToDefaultPool(client: Socket, config: SnapshotListener, context: ListenerContext): void {
  const stats = context.stats;
  const address = client.remoteAddress ?? '';
  const port = client.remotePort ?? 0;
  const pool = config.defaultPoolId === null ? undefined : context.pool(config.defaultPoolId);
  if (!pool || !pool.config.enabled) return refuse();
  // Nothing is read from the client until a member is connected.
  client.pause();
  client.setTimeout(config.timeouts.clientData, () => client.destroy());
  void connectMember(pool, { address, port }, config.timeouts.memberConnect, () => client.destroyed).then((connection) => {
    if (!connection) return client.destroyed ? undefined : refuse();
    const { socket: member, member: runtime } = connection;
    member.setTimeout(config.timeouts.memberData, () => member.destroy());
    const header = proxyHeader(pool.config.protocol, address, port, client);
    if (header) member.write(header);
    const unretire = runtime.onRetired?.(() => {
      abort(client, true);
      abort(member, true);
    });
    splice(client, member, {
      bytesIn: (count) => stats.bytesIn(count),
      bytesOut: (count) => stats.bytesOut(count),
      done: (failed) => {
        unretire?.();
        runtime.release();
        if (failed) stats.requestError();
      },
    });
  });

  function refuse(): void {
    stats.requestError();
    abort(client, true);
  }
}

function proxyHeader(protocol: string, address: string, port: number, client: Socket): Buffer | null {
  if (protocol !== 'PROXY' && protocol !== 'PROXYV2') return null;
  const source = { address, port };
  const destination = { address: client.localAddress ?? '', port: client.localPort ?? 0 };
  return protocol === 'PROXY' ? proxyHeaderV1(source, destination) : proxyHeaderV2(source, destination);
}
