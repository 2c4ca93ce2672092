// Opens a TCP connection to a member of a pool for one client: picks a member, connects within
// timeout_member_connect, and on failure reports it (passive health) and retries on another
// member, a bounded number of times. The member is acquired for the returned socket: the caller
// releases it when the connection ends.

import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { ClientAddress, MemberRuntime, PoolRuntime } from '../listener-runtime.js';

/** Members tried for one client connection before giving up. */
export const MAX_CONNECT_ATTEMPTS = 3;

export interface MemberConnection {
  readonly socket: Socket;
  readonly member: MemberRuntime;
}

function connectOnce(member: MemberRuntime, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: member.config.address, port: member.config.port, allowHalfOpen: true, noDelay: true });
    // 0 = no bound of elbow's own (HAProxy's `timeout connect 0`); the kernel's SYN retries still end it.
    const timer = timeoutMs > 0 ? setTimeout(() => fail(new Error(`connect to ${member.config.address}:${member.config.port} timed out after ${timeoutMs} ms`)), timeoutMs) : undefined;
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.removeListener('connect', succeed);
      socket.destroy();
      reject(error);
    };
    const succeed = () => {
      clearTimeout(timer);
      socket.removeListener('error', fail);
      resolve(socket);
    };
    socket.once('connect', succeed);
    socket.once('error', fail);
  });
}

/**
 * Connects to a member for `client`; undefined when no member is available or every attempt
 * failed, or when `abandoned()` says the client left meanwhile.
 */
export async function connectMember(pool: PoolRuntime, client: ClientAddress, timeoutMs: number, abandoned: () => boolean): Promise<MemberConnection | undefined> {
  let exclude: Set<string> | undefined;
  for (let attempt = 0; attempt < MAX_CONNECT_ATTEMPTS; attempt++) {
    const member = pool.pick(client, exclude);
    if (!member) return undefined;
    member.acquire();
    try {
      const socket = await connectOnce(member, timeoutMs);
      if (abandoned()) {
        socket.destroy();
        member.release();
        return undefined;
      }
      return { socket, member };
    } catch (error) {
      member.release();
      member.reportConnectFailure(error as Error);
      if (abandoned()) return undefined;
      (exclude ??= new Set()).add(member.id);
    }
  }
  return undefined;
}
