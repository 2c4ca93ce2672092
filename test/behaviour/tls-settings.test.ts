// TLS settings on both engines, with curl: mutual TLS (MANDATORY: a client of the CA in, one
// without a certificate or from another CA out, the member told who it was), TLS versions, and
// re-encryption to HTTPS members verified against the pool's CA.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, it } from 'node:test';
import type { SnapshotListenerTls, SnapshotPoolTls } from '../../src/snapshot/snapshot.js';
import { startBackend } from '../helpers/l7-harness.js';
import { createTestCa } from '../helpers/test-ca.js';
import { freePort, makeListener, makeMember, makePool, makeSnapshot } from '../unit/dataplane/support.js';
import { curl } from './clients.js';
import { applyServing, forEachEngine } from './engines.js';

const ca = createTestCa();
const stranger = createTestCa('stranger');
after(() => { ca.close(); stranger.close(); });
const shop = ca.issueServer(['shop.test']);

function listenerTls(overrides: Partial<SnapshotListenerTls> = {}): SnapshotListenerTls {
  return {
    defaultCertificate: shop.snapshot('shop'), sniCertificates: [], clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE',
    versions: null, ciphers: null, alpnProtocols: ['http/1.1'], ...overrides,
  };
}

function poolTls(caPem: string): SnapshotPoolTls {
  return { caPem, crls: [], clientCertificate: null, sni: true, versions: null, ciphers: null, alpnProtocols: [] };
}

const https = (port: number, extra: string[] = []) => curl(['--cacert', ca.caFile, '--resolve', `shop.test:${port}:127.0.0.1`, ...extra, `https://shop.test:${port}/`]);

forEachEngine('TLS settings', (engine) => {
  it('mutual TLS, MANDATORY: a client of the CA is served and named to the member; others are refused', async (t) => {
    const member = await startBackend(t, 'member');
    const hx = await engine.start(t);
    const port = await freePort();
    const insertHeaders = { 'X-SSL-Client-Has-Cert': 'true', 'X-SSL-Client-Verify': 'true', 'X-SSL-Client-CN': 'true' };
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'TERMINATED_HTTPS', port, defaultPoolId: 'p', insertHeaders, tls: listenerTls({ clientCaPem: ca.caPem, clientAuthentication: 'MANDATORY' }) })],
      [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    const alice = ca.issueClient('alice');
    assert.equal((await https(port, ['--cert', alice.certFile, '--key', alice.keyFile])).body, 'member');
    const seen = member.seen[0]?.headers;
    assert.deepEqual([seen?.['x-ssl-client-has-cert'], seen?.['x-ssl-client-verify'], seen?.['x-ssl-client-cn']], ['true', '0', 'alice']);
    await assert.rejects(https(port), 'no client certificate');
    const mallory = stranger.issueClient('mallory');
    await assert.rejects(https(port, ['--cert', mallory.certFile, '--key', mallory.keyFile]), 'a certificate of another CA');
    assert.equal(member.seen.length, 1);
  });

  it('TLS versions: a listener limited to TLS 1.3 refuses a TLS 1.2 client', async (t) => {
    const member = await startBackend(t, 'member');
    const hx = await engine.start(t);
    const port = await freePort();
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'TERMINATED_HTTPS', port, defaultPoolId: 'p', tls: listenerTls({ versions: ['TLSv1.3'] }) })],
      [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    assert.equal((await https(port, ['--tlsv1.3'])).body, 'member');
    await assert.rejects(https(port, ['--tlsv1.2', '--tls-max', '1.2']));
  });

  it('re-encryption: HTTPS members verified against the pool CA; a member the CA did not sign is not used', async (t) => {
    const member = async (names: string[], answer: string): Promise<number> => {
      const certificate = ca.issueServer(names);
      const server = createHttpsServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem }, (req, res) => res.end(`${answer} saw ${req.headers.host ?? ''}`));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      t.after(() => { server.closeAllConnections(); server.close(); });
      return (server.address() as AddressInfo).port;
    };
    // One member certified for the name clients ask for (the SNI sent to it), one for another name.
    const [named, other] = [await member(['shop.test'], 'named'), await member(['member.test'], 'other')];
    const hx = await engine.start(t);
    const [port, otherPort, wrongPort] = [await freePort(), await freePort(), await freePort()];
    await applyServing(hx, makeSnapshot(1, [
      makeListener({ id: 'l', protocol: 'TERMINATED_HTTPS', port, defaultPoolId: 'p', tls: listenerTls() }),
      makeListener({ id: 'other', protocol: 'TERMINATED_HTTPS', port: otherPort, defaultPoolId: 'other', tls: listenerTls() }),
      makeListener({ id: 'wrong', protocol: 'TERMINATED_HTTPS', port: wrongPort, defaultPoolId: 'wrong-ca', tls: listenerTls() }),
    ], [
      makePool({ id: 'p', protocol: 'HTTPS', tls: poolTls(ca.caPem), members: [makeMember({ id: 'm', port: named })] }),
      makePool({ id: 'other', protocol: 'HTTPS', tls: poolTls(ca.caPem), members: [makeMember({ id: 'o', port: other })] }),
      makePool({ id: 'wrong-ca', protocol: 'HTTPS', tls: poolTls(stranger.caPem), members: [makeMember({ id: 'w', port: named })] }),
    ]));
    assert.equal((await https(port)).body, `named saw shop.test:${port}`);
    const otherAnswer = await https(otherPort);
    // The Node engine verifies a member's chain only; HAProxy also checks the member's certificate
    // names against the SNI it sends (the request's host), as `verify required` with `sni` does.
    if (engine.name === 'haproxy') assert.equal(otherAnswer.status, 503, otherAnswer.body);
    else assert.equal(otherAnswer.body, `other saw shop.test:${otherPort}`);
    // A member whose TLS handshake fails: the Node engine answers 502; HAProxy counts it as a
    // failed connection, retries, and answers 503 (see errors.test.ts).
    const wrong = await https(wrongPort);
    assert.equal(wrong.status, engine.name === 'haproxy' ? 503 : 502, wrong.body);
  });
});
