import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { connect, createServer, type Server } from 'node:tls';
import { compileListenerTls, tlsServerOptions, applyListenerTls } from '../../../../src/dataplane/tls/listener-tls.js';
import { useTicketKeysOnServer } from '../../../../src/dataplane/tls/session-tickets.js';
import { TICKET_KEY_PERIOD_MS, TicketKeyRing } from '../../../../src/dataplane/tls/ticket-keys.js';
import type { SnapshotListenerTls } from '../../../../src/snapshot/snapshot.js';
import { createTestCa } from '../../../helpers/test-ca.js';

const ca = createTestCa();
after(() => ca.close());
const listenerTls: SnapshotListenerTls = {
  defaultCertificate: ca.issueServer(['default.test']).snapshot('default'),
  sniCertificates: [ca.issueServer(['api.test']).snapshot('api')],
  clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE', versions: null, ciphers: null, alpnProtocols: ['http/1.1'],
};

describe('ticket key ring', () => {
  const hour = TICKET_KEY_PERIOD_MS;
  it('a worker adopting the export uses the same keys as the primary, before and after a rotation', () => {
    let now = 10 * hour + 5;
    const primary = TicketKeyRing.random(() => now);
    const exported = primary.exportForWorker();
    assert.match(exported, /^\d+:[A-Za-z0-9+/]{43}=$/);
    const worker = TicketKeyRing.fromExport(exported, () => now);
    assert.ok(worker);
    const before = primary.encryptionKey();
    assert.deepEqual(worker.encryptionKey(), before);
    now += hour;
    const rotated = primary.encryptionKey();
    assert.notDeepEqual(rotated.name, before.name);
    assert.deepEqual(worker.encryptionKey(), rotated);
    // The previous epoch's tickets still decrypt, on both; two epochs back they do not.
    assert.deepEqual(worker.decryptionKey(before.name), before);
    assert.deepEqual(primary.decryptionKey(before.name), before);
    now += hour;
    assert.equal(worker.decryptionKey(before.name), undefined);
    assert.deepEqual(worker.decryptionKey(rotated.name), rotated);
  });

  it('a worker forked after a rotation also accepts the tickets issued just before it', () => {
    let now = 3 * hour;
    const primary = TicketKeyRing.random(() => now);
    now += hour + 1;
    const older = primary.decryptionKey(Buffer.alloc(16)) ?? primary.encryptionKey();
    const worker = TicketKeyRing.fromExport(primary.exportForWorker(), () => now);
    assert.deepEqual(worker?.encryptionKey(), older);
    now += 1;
    const previousName = (TicketKeyRing.fromExport(primary.exportForWorker(), () => 3 * hour)?.encryptionKey())?.name;
    assert.ok(previousName);
    assert.ok(worker?.decryptionKey(previousName), 'the previous epoch is known to a new worker');
  });

  it('rejects exports that are not one', () => {
    for (const text of ['', 'x', '12:', '12:abc', `-1:${Buffer.alloc(32).toString('base64')}`]) assert.equal(TicketKeyRing.fromExport(text), undefined);
  });
});

async function serve(plainNode = false): Promise<{ port: number; server: Server }> {
  const compiled = compileListenerTls(listenerTls);
  const server = plainNode
    ? createServer({ cert: listenerTls.defaultCertificate.certificatePem, key: listenerTls.defaultCertificate.privateKeyPem }, (socket) => socket.end('ok'))
    : createServer(tlsServerOptions(() => compiled), (socket) => socket.end('ok'));
  if (!plainNode) useTicketKeysOnServer(server);
  server.on('tlsClientError', () => undefined);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.close());
  return { port: (server.address() as AddressInfo).port, server };
}

/** One connection; resolves whether it resumed and the last session ticket it received. */
function connectOnce(port: number, options: { servername?: string; session?: Buffer; maxVersion?: 'TLSv1.2' | 'TLSv1.3' }): Promise<{ reused: boolean; session: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    let session: Buffer | undefined;
    let reused = false;
    const socket = connect({ host: '127.0.0.1', port, ca: ca.caPem, checkServerIdentity: () => undefined, ...options });
    socket.on('session', (ticket: Buffer) => { session = ticket; });
    socket.on('secureConnect', () => { reused = socket.isSessionReused(); });
    socket.on('error', reject);
    socket.resume();
    // Tickets arrive after the handshake: the last one is known once the server closed.
    socket.on('close', () => resolve({ reused, session }));
  });
}

describe('session tickets', () => {
  for (const maxVersion of ['TLSv1.2', 'TLSv1.3'] as const) {
    it(`${maxVersion}: every resumed connection gets a new ticket, which resumes the next one (SNI and default contexts)`, async () => {
      const { port } = await serve();
      for (const servername of ['api.test', undefined]) {
        const first = await connectOnce(port, { servername, maxVersion });
        assert.equal(first.reused, false);
        let session = first.session;
        for (let i = 0; i < 4; i++) {
          assert.ok(session, 'a ticket came');
          const next = await connectOnce(port, { servername, session, maxVersion });
          assert.equal(next.reused, true, `connection ${i + 2} resumed`);
          // A TLS 1.2 client reports no session for a resumed handshake; its ticket stays valid.
          session = next.session ?? session;
        }
      }
    });
  }

  it('two servers of one process share the keys, also after a certificate update; a foreign ticket means a full handshake', async () => {
    const [a, b, plain] = [await serve(), await serve(), await serve(true)];
    const first = await connectOnce(a.port, { servername: 'api.test' });
    assert.equal((await connectOnce(b.port, { servername: 'api.test', session: first.session })).reused, true);
    // A certificate update replaces the server's own context: tickets still work after it.
    applyListenerTls(b.server, compileListenerTls(listenerTls));
    assert.equal((await connectOnce(b.port, { servername: 'api.test', session: first.session })).reused, true);
    const foreign = await connectOnce(plain.port, {});
    const refused = await connectOnce(a.port, { session: foreign.session });
    assert.equal(refused.reused, false, 'unknown keys: a full handshake, no failure');
    assert.equal((await connectOnce(plain.port, { session: first.session })).reused, false);
  });
});
