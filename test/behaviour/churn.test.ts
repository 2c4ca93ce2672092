// Churn under load, on both engines: wrk keeps an HTTP listener busy while 30 snapshots are
// applied one after the other (members added, reweighted and removed, new listeners, a policy
// added and removed, the certificate of an HTTPS listener swapped), and not one request fails:
// no socket error, no answer but 2xx. (A long-lived TCP connection surviving a reload of other
// listeners is test/e2e/haproxy-engine.test.ts's; the Node engine never reloads.)

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, it, type TestContext } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import type { SnapshotListener, SnapshotMember, SnapshotPolicy } from '../../src/snapshot/snapshot.js';
import { createTestCa, type IssuedCertificate } from '../helpers/test-ca.js';
import { eventually, freePort, makeListener, makeMember, makePool, makeSnapshot } from '../unit/dataplane/support.js';
import { applyServing, forEachEngine } from './engines.js';

const ca = createTestCa();
after(() => ca.close());
const CHANGES = 30;

interface CountingMember {
  readonly port: number;
  readonly server: Server;
  served: number;
}

/** An HTTP member that answers 200 "ok" and counts (no per-request record: wrk sends many). */
async function countingMember(t: TestContext): Promise<CountingMember> {
  const member = { port: 0, served: 0, server: createServer((req, res) => {
    member.served++;
    req.resume();
    res.end('ok');
  }) };
  member.server.listen(0, '127.0.0.1');
  await once(member.server, 'listening');
  member.port = (member.server.address() as AddressInfo).port;
  t.after(() => {
    member.server.closeAllConnections();
    return new Promise<void>((resolve) => member.server.close(() => resolve()));
  });
  return member;
}

/** The serial number of the certificate the listener on `port` presents. */
async function servedSerial(port: number): Promise<string> {
  const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'shop.test', ca: ca.caPem });
  await once(socket, 'secureConnect');
  const serial = socket.getPeerCertificate().serialNumber;
  socket.destroy();
  return serial;
}

/** wrk's figures: requests done, socket errors, answers that were not 2xx/3xx. */
function parseWrk(output: string): { requests: number; socketErrors: number; non2xx: number } {
  const requests = Number(/(\d+) requests in /.exec(output)?.[1] ?? Number.NaN);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  return { requests, socketErrors, non2xx };
}

forEachEngine('Churn under load', (engine) => {
  it(`wrk on an HTTP listener through ${CHANGES} changes: 0 failed requests`, async (t) => {
    const members = await Promise.all([1, 2, 3, 4, 5].map(() => countingMember(t)));
    const hx = await engine.start(t);
    const [port, securePort] = [await freePort(), await freePort()];
    const certificates: IssuedCertificate[] = [ca.issueServer(['shop.test']), ca.issueServer(['shop.test'])];

    // The state the changes walk through.
    let revision = 0;
    let active: SnapshotMember[] = [makeMember({ id: 'm0', port: members[0]?.port ?? 0 })];
    let next = 1;
    let extras: SnapshotListener[] = [];
    let policies: SnapshotPolicy[] = [];
    let certificate = 0;
    const snapshot = () => {
      const pool = makePool({ id: 'web', protocol: 'HTTP', members: active });
      const tls = { defaultCertificate: { id: `cert-${certificate}`, certificatePem: certificates[certificate % 2]?.certificatePem ?? '', privateKeyPem: certificates[certificate % 2]?.privateKeyPem ?? '', names: ['shop.test'] },
        sniCertificates: [], clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE' as const, versions: null, ciphers: null, alpnProtocols: ['http/1.1'] };
      return makeSnapshot(++revision, [
        makeListener({ id: 'web', protocol: 'HTTP', port, defaultPoolId: 'web', policies }),
        makeListener({ id: 'secure', protocol: 'TERMINATED_HTTPS', port: securePort, defaultPoolId: 'web', tls }),
        ...extras,
      ], [pool]);
    };
    await applyServing(hx, snapshot());
    const serialOf = (index: number): string => new X509Certificate(certificates[index % 2]?.certificatePem ?? '').serialNumber;
    assert.equal(await servedSerial(securePort), serialOf(0));

    const changes: (() => Promise<void> | void)[] = [
      // A member added (the oldest dropped once there are three).
      () => {
        const member = members[next % members.length];
        active = [...active.filter((m) => m.port !== member?.port), makeMember({ id: `m${next}`, port: member?.port ?? 0 })];
        next++;
        if (active.length > 3) active = active.slice(1);
      },
      // Weights changed.
      () => { active = active.map((m, i) => ({ ...m, weight: ((revision + i) % 4) + 1 })); },
      // A new listener (a reload for HAProxy); the one before it removed.
      async () => { extras = [makeListener({ id: `extra-${revision}`, protocol: 'HTTP', port: await freePort(), defaultPoolId: 'web' })]; },
      // A policy on the loaded listener (for a path wrk does not ask for), then none.
      () => {
        policies = policies.length > 0 ? [] : [{ id: `reject-${revision}`, position: 1, action: 'REJECT', rules: [{ id: `r-${revision}`, type: 'PATH', compareType: 'STARTS_WITH', key: null, value: '/blocked', invert: false }],
          redirectPoolId: null, redirectUrl: null, redirectPrefix: null, redirectHttpCode: null, redirectListener: null, fixedResponse: null }];
      },
      // The HTTPS listener's certificate swapped.
      () => { certificate++; },
    ];

    const wrk = spawn('wrk', ['-t1', '-c4', '-d600s', '--timeout', '60s', `http://127.0.0.1:${port}/`], { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => wrk.kill('SIGKILL'));
    let output = '';
    wrk.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    wrk.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = once(wrk, 'exit');
    await eventually('wrk is sending', () => (members[0]?.served ?? 0) > 0);

    for (let i = 0; i < CHANGES; i++) {
      const before = members.reduce((sum, m) => sum + m.served, 0);
      await changes[i % changes.length]?.();
      await applyServing(hx, snapshot());
      // Traffic flows after each change before the next one.
      await eventually(`requests served after change ${i + 1}`, () => members.reduce((sum, m) => sum + m.served, 0) > before + 10);
    }

    // wrk prints its summary when interrupted.
    wrk.kill('SIGINT');
    await exited;
    const figures = parseWrk(output);
    assert.ok(figures.requests > 0, `wrk ran: ${output}`);
    assert.deepEqual({ socketErrors: figures.socketErrors, non2xx: figures.non2xx }, { socketErrors: 0, non2xx: 0 }, output);
    // The changes took effect: the members added later served, and the certificate was swapped.
    assert.ok(members.slice(1).every((m) => m.served > 0), `every member served: ${members.map((m) => m.served).join(', ')}`);
    assert.ok(certificate > 1);
    assert.equal(await servedSerial(securePort), serialOf(certificate), 'the HTTPS listener presents the last certificate');
    t.diagnostic(`${engine.name}: ${figures.requests} requests through ${CHANGES} changes, 0 failed`);
  });
}, { timeout: 170_000 });
