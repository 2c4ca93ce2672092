// IPv6 end to end on ::1: a TCP listener with a PROXYV2 pool (TCP6 header), a UDP listener, and
// allowed_cidrs with an IPv6 block.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { createDataPlane } from '../../../src/dataplane/dataplane.js';
import { makeListener, makeMember, makePool, makeSnapshot } from './support.js';
import { reservePort } from '../../helpers/ports.js';

/** A port for a listener on ::1, from the one allocator (it checks IPv6 too). */
function freePort6(): Promise<number> {
  return reservePort();
}

test('TCP and UDP listeners on ::1, PROXY v2 with TCP6 addresses, IPv6 allowed_cidrs', async (t) => {
  // A member that answers with the hex of the first bytes it receives (the PROXY v2 header).
  const member = createServer({ allowHalfOpen: true }, (socket: Socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => socket.end(Buffer.concat(chunks).subarray(12, 52).toString('hex')));
  });
  await new Promise<void>((resolve) => member.listen(0, '::1', resolve));
  const udpMember = createSocket('udp6');
  udpMember.on('message', (message, from) => udpMember.send(Buffer.concat([Buffer.from('v6:'), message]), from.port, from.address));
  await new Promise<void>((resolve) => udpMember.bind(0, '::1', resolve));
  const plane = createDataPlane({ drainMs: 100 });
  t.after(async () => {
    await plane.close(0);
    await new Promise((resolve) => member.close(resolve));
    await new Promise<void>((resolve) => udpMember.close(() => resolve()));
  });
  const [tcpPort, udpPort] = [await freePort6(), await freePort6()];
  const pools = [
    makePool({ id: 'tcp', protocol: 'PROXYV2', members: [makeMember({ id: 'm', address: '::1', port: (member.address() as AddressInfo).port })] }),
    makePool({ id: 'udp', protocol: 'UDP', members: [makeMember({ id: 'u', address: '::1', port: udpMember.address().port })] }),
  ];
  const accessControl = { allowedCidrs: ['::1/128'], ipGroup: null };
  const report = await plane.apply(
    makeSnapshot(1, [makeListener({ id: 't', address: '::1', port: tcpPort, defaultPoolId: 'tcp', accessControl }), makeListener({ id: 'u', protocol: 'UDP', address: '::1', port: udpPort, defaultPoolId: 'udp', accessControl })], pools),
  );
  assert.deepEqual(report.listenerErrors, {});

  const socket = connect({ host: '::1', port: tcpPort, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await new Promise((resolve) => socket.once('connect', resolve));
  const clientPort = socket.localPort ?? 0;
  socket.end('x');
  await new Promise((resolve) => socket.once('end', resolve));
  const header = Buffer.from(Buffer.concat(chunks).toString(), 'hex');
  assert.equal(header[0], 0x21);
  assert.equal(header[1], 0x21, 'TCP over IPv6');
  assert.equal(header.subarray(4, 20).toString('hex'), '00000000000000000000000000000001');
  assert.equal(header.readUInt16BE(36), clientPort);
  assert.equal(header.readUInt16BE(38), tcpPort);

  const client = createSocket('udp6');
  t.after(() => new Promise<void>((resolve) => client.close(() => resolve())));
  const reply = await new Promise<string>((resolve) => {
    client.once('message', (message) => resolve(message.toString()));
    client.send('hello', udpPort, '::1');
  });
  assert.equal(reply, 'v6:hello');
});
