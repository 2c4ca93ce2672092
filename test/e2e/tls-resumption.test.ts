// TLS session resumption across the workers of one elbow: a ticket issued by one worker resumes on
// the other (the primary hands every worker the same ticket keys), and every resumed connection
// gets a fresh ticket, so a client that uses each TLS 1.3 ticket once keeps resuming.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import tls from 'node:tls';
import { createClusteredDataPlane } from '../../src/dataplane/cluster/clustered-dataplane.js';
import type { SnapshotListenerTls } from '../../src/snapshot/snapshot.js';
import { createTestCa } from '../helpers/test-ca.js';
import { echoServer, freePort, snapshotOf, tcpListener, tcpPool, until } from '../unit/dataplane/cluster/cluster-fixtures.js';

interface Outcome { reused: boolean; session: Buffer | undefined; echoed: string }

function sslEcho(port: number, ca: string, maxVersion: tls.SecureVersion, session: Buffer | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    let reused = false;
    let ticket: Buffer | undefined;
    let echoed = '';
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'resume.test', ca, maxVersion, ...(session ? { session } : {}) }, () => {
      reused = socket.isSessionReused();
      socket.end('ping');
    });
    socket.on('session', (value: Buffer) => { ticket = value; });
    socket.setEncoding('utf8').on('data', (chunk: string) => { echoed += chunk; });
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
    socket.on('close', () => resolve({ reused, session: ticket, echoed }));
  });
}

test('a TLS session resumes on either worker of one elbow', async (t) => {
  const ca = createTestCa();
  t.after(() => ca.close());
  const listenerTls: SnapshotListenerTls = {
    defaultCertificate: ca.issueServer(['resume.test']).snapshot('cert-1'), sniCertificates: [], clientCaPem: null, clientCrls: [],
    clientAuthentication: 'NONE', versions: null, ciphers: null, alpnProtocols: [],
  };
  const echo = await echoServer();
  t.after(() => echo.close());
  const sslPort = await freePort();
  const plane = createClusteredDataPlane({ workers: 2, logLevel: 'warn' });
  t.after(() => plane.close(1_000));
  const report = await plane.apply(snapshotOf(1, [{ ...tcpListener('ssl-1', sslPort, 'echo'), protocol: 'SSL', tls: listenerTls }], [tcpPool('echo', [{ id: 'echo-1', port: echo.port }])]));
  assert.deepEqual(report.listenerErrors, {});

  const perWorker = async (): Promise<number[]> => (await plane.workers()).map((w) => w.stats?.listeners['ssl-1']?.total_connections ?? 0);
  for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
    const first = await sslEcho(sslPort, ca.caPem, maxVersion, undefined);
    assert.equal(first.echoed, 'ping');
    assert.equal(first.reused, false);
    let session = first.session;
    let previous = await perWorker();
    const servedBy = new Set<number>();
    // Each connection presents the ticket of the one before; until two in a row were served by
    // different workers, which proves a ticket issued by one worker resumed on the other.
    let crossed = false;
    let lastWorker = -1;
    await until(`${maxVersion}: a resumed connection on the other worker`, async () => {
      assert.ok(session, 'the previous connection brought a ticket');
      const next = await sslEcho(sslPort, ca.caPem, maxVersion, session);
      assert.equal(next.echoed, 'ping');
      assert.equal(next.reused, true, 'every connection after the first resumes');
      // TLS 1.3 renews the ticket on every resumption; a TLS 1.2 client keeps its ticket.
      if (maxVersion === 'TLSv1.3') assert.ok(next.session, 'a resumed TLS 1.3 connection brings a new ticket');
      session = next.session ?? session;
      const counts = await perWorker();
      const worker = counts.findIndex((count, i) => count > (previous[i] ?? 0));
      previous = counts;
      servedBy.add(worker);
      if (lastWorker !== -1 && worker !== lastWorker) crossed = true;
      lastWorker = worker;
      return crossed;
    }, 60_000);
    assert.equal(servedBy.size, 2);
  }
});
