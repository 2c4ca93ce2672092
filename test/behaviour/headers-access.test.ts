// What both engines add to requests and whom they let in: insert_headers on HTTP and HTTPS
// listeners (X-Forwarded-For/Port/Proto/Host, X-Real-IP, X-Forwarded-ELB-IP), connection_limit,
// allowed_cidrs and ip groups, each refusing a client before anything is read.

import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, it } from 'node:test';
import type { SnapshotAccessControl, SnapshotListener } from '../../src/snapshot/snapshot.js';
import { rawExchange, startBackend } from '../helpers/l7-harness.js';
import { createTestCa } from '../helpers/test-ca.js';
import { eventually, freePort, makeListener, makeMember, makePool, makeSnapshot, startEchoServer } from '../unit/dataplane/support.js';
import { curl } from './clients.js';
import { applyServing, forEachEngine } from './engines.js';

const ca = createTestCa();
after(() => ca.close());
const certificate = ca.issueServer(['shop.test']);

const ALL_HEADERS = { 'X-Forwarded-For': 'true', 'X-Forwarded-Port': 'true', 'X-Forwarded-Proto': 'true', 'X-Real-IP': 'true', 'X-Forwarded-Host': 'true', 'X-Forwarded-ELB-IP': 'true' };
const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

function access(allowedCidrs: string[], ipGroup: SnapshotAccessControl['ipGroup'] = null): SnapshotAccessControl {
  return { allowedCidrs, ipGroup };
}

forEachEngine('Inserted headers and access control', (engine) => {
  it('HTTP: X-Forwarded-For appends the client, the others say port, scheme, host and the load balancer\'s address', async (t) => {
    const member = await startBackend(t, 'web');
    const hx = await engine.start(t);
    const [port, plain] = [await freePort(), await freePort()];
    const pool = makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] });
    await applyServing(hx, makeSnapshot(1, [
      makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'p', insertHeaders: ALL_HEADERS }),
      makeListener({ id: 'plain', protocol: 'HTTP', port: plain, defaultPoolId: 'p', insertHeaders: { 'X-Forwarded-For': 'false' } }),
    ], [pool]));
    assert.equal((await curl(['-H', 'X-Forwarded-For: 203.0.113.7', `http://127.0.0.1:${port}/`])).body, 'web');
    const headers = member.seen[0]?.headers ?? {};
    assert.equal(headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
    assert.equal(headers['x-forwarded-port'], String(port));
    assert.equal(headers['x-forwarded-proto'], 'http');
    assert.equal(headers['x-real-ip'], '127.0.0.1');
    assert.equal(headers['x-forwarded-host'], `127.0.0.1:${port}`);
    assert.equal(headers['x-forwarded-elb-ip'], '127.0.0.1');
    // Turned off ("false", or absent): nothing inserted.
    await curl([`http://127.0.0.1:${plain}/`]);
    const bare = member.seen[1]?.headers ?? {};
    assert.deepEqual([bare['x-forwarded-for'], bare['x-forwarded-proto'], bare['x-forwarded-port'], bare['x-forwarded-elb-ip']], [undefined, undefined, undefined, undefined]);
  });

  it('Proxy-* headers are hop-by-hop: removed both ways, whatever their case; a name that only starts with "proxy" is kept', async (t) => {
    const member = await startBackend(t, 'web', (_req, res) => {
      res.setHeader('Proxy-Authenticate', 'Basic realm="member"');
      res.setHeader('PROXY-Status', 'member');
      res.setHeader('Proxyish', 'kept');
      res.end('web');
    });
    const hx = await engine.start(t);
    const port = await freePort();
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'p' })],
      [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    const answer = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nPROXY-Connection: keep-alive\r\nproxy-custom: 1\r\nProxyish: kept\r\nConnection: close\r\n\r\n');
    assert.match(answer.text, /^HTTP\/1\.1 200/);
    const seen = Object.keys(member.seen[0]?.headers ?? {});
    assert.deepEqual(seen.filter((name) => name.startsWith('proxy')), ['proxyish'], `the member saw ${seen.join(', ')}`);
    const head = answer.text.slice(0, answer.text.indexOf('\r\n\r\n')).toLowerCase();
    assert.doesNotMatch(head, /^proxy-/m);
    assert.match(head, /^proxyish: kept$/m);
  });

  it('HTTPS: X-Forwarded-Proto is https, over HTTP/1.1 and HTTP/2', async (t) => {
    const member = await startBackend(t, 'secure');
    const hx = await engine.start(t);
    const port = await freePort();
    const tls = { defaultCertificate: certificate.snapshot('c'), sniCertificates: [], clientCaPem: null, clientCrls: [], clientAuthentication: 'NONE' as const, versions: null, ciphers: null, alpnProtocols: ['h2', 'http/1.1'] };
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'TERMINATED_HTTPS', port, defaultPoolId: 'p', tls, insertHeaders: ALL_HEADERS })],
      [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    for (const version of ['--http1.1', '--http2']) {
      const answer = await curl(['--cacert', ca.caFile, '--resolve', `shop.test:${port}:127.0.0.1`, version, `https://shop.test:${port}/`]);
      assert.equal(answer.body, 'secure');
      const headers = member.seen.at(-1)?.headers ?? {};
      assert.deepEqual([headers['x-forwarded-proto'], headers['x-forwarded-port'], headers['x-forwarded-for'], headers['x-forwarded-elb-ip']], ['https', String(port), '127.0.0.1', '127.0.0.1'], version);
    }
  });

  it('connection_limit: a connection over the limit is closed unanswered; one is let in again once a slot frees', async (t) => {
    const member = await startBackend(t, 'web');
    const hx = await engine.start(t);
    const port = await freePort();
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'p', connectionLimit: 1 })],
      [makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] })]));
    const held = connect(port, '127.0.0.1');
    t.after(() => held.destroy());
    held.write(GET);
    await once(held, 'data');
    assert.deepEqual(await rawExchange(port, GET), { text: '', closedByServer: true });
    assert.equal(member.seen.length, 1);
    held.destroy();
    await eventually('a connection is let in again', async () => (await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).text.startsWith('HTTP/1.1 200'));
  });

  it('allowed_cidrs and ip groups: clients outside are closed before anything is read (HTTP and TCP)', async (t) => {
    const member = await startBackend(t, 'web');
    const echo = await startEchoServer();
    t.after(() => echo.close());
    const hx = await engine.start(t);
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    const http = makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] });
    const tcp = makePool({ id: 'tcp', members: [makeMember({ id: 'e', port: echo.port })] });
    const listeners: SnapshotListener[] = [
      makeListener({ id: 'allowed', protocol: 'HTTP', port: ports[0] ?? 0, defaultPoolId: 'p', accessControl: access(['127.0.0.2/32', '10.0.0.0/8']) }),
      makeListener({ id: 'black', protocol: 'HTTP', port: ports[1] ?? 0, defaultPoolId: 'p', accessControl: access([], { type: 'black', cidrs: ['127.0.0.3/32'] }) }),
      makeListener({ id: 'white', protocol: 'HTTP', port: ports[2] ?? 0, defaultPoolId: 'p', accessControl: access([], { type: 'white', cidrs: ['127.0.0.4/32'] }) }),
      makeListener({ id: 'tcp', port: ports[3] ?? 0, defaultPoolId: 'tcp', accessControl: access(['127.0.0.2/32']) }),
    ];
    await applyServing(hx, makeSnapshot(1, listeners, [http, tcp]));
    const from = (address: string, port: number) => curl(['--interface', address, `http://127.0.0.1:${port}/`]);
    // curl: "Empty reply from server", a reset, or (reset before curl saw the connection up)
    // "Couldn't connect": closed unanswered. Each listener serves an address it lets in.
    const refused = /Empty reply|reset|Recv failure|Couldn't connect/i;
    await assert.rejects(from('127.0.0.1', ports[0] ?? 0), refused);
    assert.equal((await from('127.0.0.2', ports[0] ?? 0)).body, 'web');
    await assert.rejects(from('127.0.0.3', ports[1] ?? 0), refused);
    assert.equal((await from('127.0.0.1', ports[1] ?? 0)).body, 'web');
    await assert.rejects(from('127.0.0.1', ports[2] ?? 0), refused);
    assert.equal((await from('127.0.0.4', ports[2] ?? 0)).body, 'web');
    assert.equal(member.seen.length, 3, 'refused clients reached no member');
    // TCP: the outsider's bytes are never delivered.
    const outsider = connect({ host: '127.0.0.1', port: ports[3] ?? 0 });
    outsider.on('error', () => undefined);
    outsider.write('let me in');
    await new Promise((resolve) => outsider.on('close', resolve));
    assert.equal(echo.sockets.size, 0);
    const insider = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: ports[3] ?? 0, localAddress: '127.0.0.2' });
      socket.on('error', reject);
      socket.once('data', (chunk: Buffer) => { socket.end(); resolve(chunk.toString()); });
      socket.write('welcome');
    });
    assert.equal(insider, 'welcome');
  });

  it('access control on a running listener: restricted, changed, lifted (the haproxy engine renders a list only where it restricts)', async (t) => {
    const member = await startBackend(t, 'web');
    const hx = await engine.start(t);
    const port = await freePort();
    const pool = makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm', port: member.port })] });
    const withAccess = (revision: number, control: SnapshotAccessControl) => makeSnapshot(revision, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'p', accessControl: control })], [pool]);
    const from = (address: string) => curl(['--interface', address, `http://127.0.0.1:${port}/`]);
    const refused = /Empty reply|reset|Recv failure|Couldn't connect/i;
    await applyServing(hx, withAccess(1, access([])));
    assert.equal((await from('127.0.0.1')).body, 'web');
    await applyServing(hx, withAccess(2, access(['127.0.0.2/32'])));
    await assert.rejects(from('127.0.0.1'), refused, 'the first restriction');
    assert.equal((await from('127.0.0.2')).body, 'web');
    await applyServing(hx, withAccess(3, access(['127.0.0.1/32'])));
    await assert.rejects(from('127.0.0.2'), refused, 'the restriction changed');
    assert.equal((await from('127.0.0.1')).body, 'web');
    await applyServing(hx, withAccess(4, access([], { type: 'black', cidrs: ['127.0.0.1/32'] })));
    await assert.rejects(from('127.0.0.1'), refused, 'a black list instead');
    assert.equal((await from('127.0.0.2')).body, 'web');
    await applyServing(hx, withAccess(5, access([])));
    assert.equal((await from('127.0.0.1')).body, 'web', 'lifted: everyone again');
  });
});
