import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { applyListenerTls, compileListenerTls, refusesPresentedCertificate, tlsServerOptions, type CompiledListenerTls } from '../../../../src/dataplane/tls/listener-tls.js';
import { resolveTlsProtocol } from '../../../../src/dataplane/tls/tls-policies.js';
import type { SnapshotListenerTls } from '../../../../src/snapshot/snapshot.js';
import { createTestCa } from '../../../helpers/test-ca.js';

const ca = createTestCa();
after(() => ca.close());
const defaultCert = ca.issueServer(['default.test']).snapshot('default');
const apiCert = ca.issueServer(['api.test']).snapshot('api');
const wildCert = ca.issueServer(['*.apps.test']).snapshot('wild');

function listenerTls(overrides: Partial<SnapshotListenerTls> = {}): SnapshotListenerTls {
  return {
    defaultCertificate: defaultCert, sniCertificates: [apiCert, wildCert], clientCaPem: null, clientCrls: [],
    clientAuthentication: 'NONE', versions: null, ciphers: null, alpnProtocols: ['http/1.1'], ...overrides,
  };
}

/** A TLS server on 127.0.0.1 that answers each connection with 'ok'; returns its port and a swap function. */
async function serve(initial: CompiledListenerTls) {
  let current = initial;
  const server = createServer(tlsServerOptions(() => current), (socket) => {
    if (refusesPresentedCertificate(current, socket)) return socket.destroy();
    socket.end('ok');
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.close());
  return {
    port: (server.address() as AddressInfo).port,
    swap(next: CompiledListenerTls) { current = next; applyListenerTls(server, next); },
  };
}

async function handshake(port: number, options: { servername?: string; cert?: string; key?: string } = {}): Promise<{ cn: string; data: string }> {
  const socket: TLSSocket = connect({ host: '127.0.0.1', port, ca: ca.caPem, checkServerIdentity: () => undefined, ...options });
  let data = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => { data += chunk; });
  await once(socket, 'secureConnect');
  const cn = String(socket.getPeerCertificate().subject.CN);
  await once(socket, 'close');
  return { cn, data };
}

/** With TLS 1.3 the server refuses a client certificate after the client's handshake completed. */
async function dataOrRefused(port: number, options: { cert?: string; key?: string } = {}): Promise<string> {
  return handshake(port, options).then((outcome) => outcome.data, () => 'refused');
}

describe('listener TLS', () => {
  it('SNI picks exact, wildcard and default certificates', async () => {
    const { port } = await serve(compileListenerTls(listenerTls()));
    assert.equal((await handshake(port, { servername: 'api.test' })).cn, 'api.test');
    assert.equal((await handshake(port, { servername: 'x.apps.test' })).cn, '*.apps.test');
    assert.equal((await handshake(port, { servername: 'a.b.apps.test' })).cn, 'default.test');
    assert.equal((await handshake(port, { servername: 'other.test' })).cn, 'default.test');
    assert.equal((await handshake(port)).cn, 'default.test');
  });

  it('a replaced certificate serves the next handshake without rebinding', async () => {
    const server = await serve(compileListenerTls(listenerTls()));
    const renewed = ca.issueServer(['renewed.test']).snapshot('renewed');
    server.swap(compileListenerTls(listenerTls({ defaultCertificate: renewed, sniCertificates: [] })));
    assert.equal((await handshake(server.port)).cn, 'renewed.test');
    assert.equal((await handshake(server.port, { servername: 'api.test' })).cn, 'renewed.test');
  });

  it('MANDATORY client authentication accepts a client of the CA and refuses others', async () => {
    const { port } = await serve(compileListenerTls(listenerTls({ clientCaPem: ca.caPem, clientAuthentication: 'MANDATORY' })));
    const client = ca.issueClient('alice');
    assert.equal((await handshake(port, { cert: client.certificatePem, key: client.privateKeyPem })).data, 'ok');
    assert.notEqual(await dataOrRefused(port), 'ok');
    const stranger = createTestCa('stranger CA');
    after(() => stranger.close());
    const foreign = stranger.issueClient('mallory');
    assert.notEqual(await dataOrRefused(port, { cert: foreign.certificatePem, key: foreign.privateKeyPem }), 'ok');
  });

  it('OPTIONAL client authentication lets clients without a certificate in, not ones with a bad one', async () => {
    const { port } = await serve(compileListenerTls(listenerTls({ clientCaPem: ca.caPem, clientAuthentication: 'OPTIONAL' })));
    assert.equal((await handshake(port)).data, 'ok');
    const client = ca.issueClient('bob');
    assert.equal((await handshake(port, { cert: client.certificatePem, key: client.privateKeyPem })).data, 'ok');
    const stranger = createTestCa('stranger CA 2');
    after(() => stranger.close());
    const foreign = stranger.issueClient('eve');
    assert.notEqual(await dataOrRefused(port, { cert: foreign.certificatePem, key: foreign.privateKeyPem }), 'ok');
  });

  it('tls_versions restrict the protocol', async () => {
    const { port } = await serve(compileListenerTls(listenerTls({ versions: ['TLSv1.3'] })));
    await assert.rejects(handshake(port, { maxVersion: 'TLSv1.2' } as object));
    assert.equal((await handshake(port)).data, 'ok');
  });
});

describe('resolveTlsProtocol', () => {
  const cases: [string, readonly string[] | null, string | null, string, string][] = [
    ['default', null, null, 'TLSv1.2', 'TLSv1.3'],
    ['listed versions', ['TLSv1.3', 'TLSv1.2'], null, 'TLSv1.2', 'TLSv1.3'],
    ['named policy', null, 'tls-1-2-strict', 'TLSv1.2', 'TLSv1.2'],
    ['named policy with 1.3', ['TLSv1'], 'tls-1-2-fs-with-1-3', 'TLSv1.2', 'TLSv1.3'],
    ['unknown names ignored', ['SSLv3', 'TLSv1.1'], null, 'TLSv1.1', 'TLSv1.1'],
  ];
  for (const [name, versions, ciphers, min, max] of cases) {
    it(name, () => {
      const settings = resolveTlsProtocol(versions, ciphers);
      assert.deepEqual([settings.minVersion, settings.maxVersion], [min, max]);
    });
  }
});
