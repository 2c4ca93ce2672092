// Members on both engines: an admin-down member gets no new connections, a backup member serves
// only while every other member is down, a pool admin down serves nobody, and PROXY / PROXYV2
// pools receive the client's address before the stream.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eventually, exchange, freePort, makeListener, makeMember, makeMonitor, makePool, makeSnapshot, startNameServer, startServer } from '../unit/dataplane/support.js';
import { curl } from './clients.js';
import { startBackend } from '../helpers/l7-harness.js';
import { applyServing, forEachEngine } from './engines.js';

/** Who answers `count` connections in a row (the client keeps its side open until the member answers). */
async function answers(port: number, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push((await exchange(port, '', false)).reply);
  return names;
}

/** The PROXY header a member received: v1's text line, or v2's addresses and ports. */
function parseProxyHeader(bytes: Buffer): string {
  if (bytes.subarray(0, 6).toString('latin1') === 'PROXY ') return bytes.subarray(0, bytes.indexOf('\r\n')).toString('latin1');
  const signature = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');
  if (!bytes.subarray(0, 12).equals(signature)) return `not a PROXY header: ${bytes.toString('hex')}`;
  const [command, family] = [bytes[12], bytes[13]];
  const ip = (at: number) => [...bytes.subarray(at, at + 4)].join('.');
  return `v2 command=${command?.toString(16) ?? ''} family=${family?.toString(16) ?? ''} ${ip(16)}:${bytes.readUInt16BE(24)} -> ${ip(20)}:${bytes.readUInt16BE(26)}`;
}

forEachEngine('Members', (engine) => {
  it('an admin-down member gets no new connections; back up, it does again', async (t) => {
    const a = await startNameServer('a');
    const b = await startNameServer('b');
    t.after(async () => { await a.close(); await b.close(); });
    const hx = await engine.start(t);
    const port = await freePort();
    const members = (bEnabled: boolean) => [makeMember({ id: 'a', port: a.port }), makeMember({ id: 'b', port: b.port, enabled: bEnabled })];
    const listener = makeListener({ id: 'l', port, defaultPoolId: 'p' });
    await applyServing(hx, makeSnapshot(1, [listener], [makePool({ id: 'p', members: members(false) })]));
    assert.deepEqual(await answers(port, 4), ['a', 'a', 'a', 'a']);
    await applyServing(hx, makeSnapshot(2, [listener], [makePool({ id: 'p', members: members(true) })]));
    assert.deepEqual([...new Set(await answers(port, 4))].sort(), ['a', 'b']);
  });

  it('a backup member serves only while every other member is down', async (t) => {
    let a = await startNameServer('a');
    const backup = await startNameServer('backup');
    t.after(async () => { await a.close(); await backup.close(); });
    const hx = await engine.start(t);
    const port = await freePort();
    const monitor = makeMonitor({ type: 'TCP', intervalMs: 100, timeoutMs: 1_000, riseCount: 1, fallCount: 1 });
    const pool = makePool({ id: 'p', healthMonitor: monitor, members: [makeMember({ id: 'a', port: a.port }), makeMember({ id: 'backup', port: backup.port, backup: true })] });
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', port, defaultPoolId: 'p' })], [pool]));
    await eventually('a ONLINE', () => hx.runtime.memberStatus('a') === 'ONLINE');
    assert.deepEqual(await answers(port, 4), ['a', 'a', 'a', 'a']);
    await a.close();
    await eventually('a marked ERROR', () => hx.runtime.memberStatus('a') === 'ERROR');
    assert.deepEqual(await answers(port, 3), ['backup', 'backup', 'backup']);
    a = await startNameServer('a', a.port);
    await eventually('a ONLINE again', () => hx.runtime.memberStatus('a') === 'ONLINE');
    assert.deepEqual(await answers(port, 3), ['a', 'a', 'a']);
  });

  it('a pool admin down serves nobody: HTTP 503, TCP closed unanswered', async (t) => {
    const web = await startBackend(t, 'web');
    const hx = await engine.start(t);
    const [httpPort, tcpPort] = [await freePort(), await freePort()];
    const off = (protocol: 'HTTP' | 'TCP') => makePool({ id: `off-${protocol}`, protocol, enabled: false, members: [makeMember({ id: `m-${protocol}`, port: web.port })] });
    await applyServing(hx, makeSnapshot(1, [
      makeListener({ id: 'http', protocol: 'HTTP', port: httpPort, defaultPoolId: 'off-HTTP' }),
      makeListener({ id: 'tcp', port: tcpPort, defaultPoolId: 'off-TCP' }),
    ], [off('HTTP'), off('TCP')]));
    assert.equal((await curl([`http://127.0.0.1:${httpPort}/`])).status, 503);
    assert.equal((await exchange(tcpPort, 'GET / HTTP/1.0\r\n\r\n', false)).reply, '');
    assert.equal(web.seen.length, 0);
  });

  it('PROXY and PROXYV2 pools: the member learns the client\'s address and the listener\'s port first', async (t) => {
    // A member that answers with the PROXY header it was sent (the client sends nothing first).
    const member = await startServer((socket) => {
      socket.once('data', (chunk: Buffer) => socket.end(parseProxyHeader(chunk)));
    });
    t.after(() => member.close());
    const hx = await engine.start(t);
    const [v1, v2] = [await freePort(), await freePort()];
    await applyServing(hx, makeSnapshot(1, [
      makeListener({ id: 'v1', port: v1, defaultPoolId: 'proxy' }),
      makeListener({ id: 'v2', port: v2, defaultPoolId: 'proxy2' }),
    ], [
      makePool({ id: 'proxy', protocol: 'PROXY', members: [makeMember({ id: 'm1', port: member.port })] }),
      makePool({ id: 'proxy2', protocol: 'PROXYV2', members: [makeMember({ id: 'm2', port: member.port })] }),
    ]));
    assert.match((await exchange(v1, '', false)).reply, new RegExp(`^PROXY TCP4 127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d+ ${v1}$`));
    // Command 0x21 (version 2, PROXY), family 0x11 (TCP over IPv4).
    assert.match((await exchange(v2, '', false)).reply, new RegExp(`^v2 command=21 family=11 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:${v2}$`));
  });
});
