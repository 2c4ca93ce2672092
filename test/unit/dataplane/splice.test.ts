// RST propagation through a TCP listener, and abort() on sockets that cannot send an RST.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createDataPlane } from '../../../src/dataplane/dataplane.js';
import { abort } from '../../../src/dataplane/proxy/splice.js';
import { createTestCa } from '../../helpers/test-ca.js';
import { freePort, makeListener, makeMember, makePool, makeSnapshot, startServer } from './support.js';

/** The error code the socket ends with ('' when it closed cleanly). */
function endOf(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let code = '';
    socket.on('error', (error: NodeJS.ErrnoException) => (code = error.code ?? 'error'));
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve(code));
  });
}

test('a reset on either side is passed on as a reset', async (t) => {
  const memberSockets: Socket[] = [];
  const member = await startServer((socket) => {
    memberSockets.push(socket);
    socket.write('ready');
  });
  const plane = createDataPlane({ drainMs: 100 });
  t.after(async () => {
    await plane.close(0);
    await member.close();
  });
  const port = await freePort();
  await plane.apply(makeSnapshot(1, [makeListener({ id: 'l', port, defaultPoolId: 'p' })], [makePool({ id: 'p', members: [makeMember({ id: 'm', port: member.port })] })]));

  const ready = async () => {
    const client = connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => client.once('data', resolve));
    const memberSide = memberSockets.at(-1) as Socket;
    return { client, memberSide };
  };
  const first = await ready();
  const memberEnd = endOf(first.memberSide);
  first.client.resetAndDestroy();
  assert.equal(await memberEnd, 'ECONNRESET');

  const second = await ready();
  const clientEnd = endOf(second.client);
  second.memberSide.resetAndDestroy();
  assert.equal(await clientEnd, 'ECONNRESET');
});

test('abort with reset on a TLS socket falls back to a plain close', async (t) => {
  const ca = createTestCa();
  t.after(() => ca.close());
  const issued = ca.issueServer(['x.example']);
  const accepted: TLSSocket[] = [];
  const server = createTlsServer({ cert: issued.certificatePem, key: issued.privateKeyPem }, (socket) => {
    accepted.push(socket);
    socket.write('hi');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const client = connectTls({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, rejectUnauthorized: false });
  client.on('error', () => undefined);
  await new Promise((resolve) => client.once('data', resolve));
  const serverSide = accepted[0] as TLSSocket;
  assert.doesNotThrow(() => abort(serverSide, true));
  assert.equal(serverSide.destroyed, true);
  await new Promise((resolve) => client.once('close', resolve));
});
