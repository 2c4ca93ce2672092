// Session persistence on both engines, over round robin (which alone would alternate):
// SOURCE_IP keeps a client address on one member (TCP), HTTP_COOKIE inserts SRV=<member id> and
// follows it without passing it on, APP_COOKIE follows the application's own cookie.

import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { it } from 'node:test';
import type { SnapshotPool } from '../../src/snapshot/snapshot.js';
import { send, startBackend } from '../helpers/l7-harness.js';
import { freePort, makeListener, makeMember, makePool, makeSnapshot, startNameServer } from '../unit/dataplane/support.js';
import { applyServing, forEachEngine, type RunningEngine } from './engines.js';
import { whoAnswers } from './clients.js';

type Persistence = NonNullable<SnapshotPool['sessionPersistence']>;

function persistence(type: Persistence['type'], cookieName: string | null = null): Persistence {
  return { type, cookieName, timeoutSeconds: 300, granularity: null };
}

/** An HTTP listener in front of members a and b with `sessionPersistence`; its port. */
async function httpListener(engine: RunningEngine, ports: readonly number[], sessionPersistence: Persistence): Promise<number> {
  const port = await freePort();
  const pool = makePool({ id: 'p', protocol: 'HTTP', sessionPersistence, members: ports.map((memberPort, i) => makeMember({ id: `member-${'ab'[i] ?? i}`, port: memberPort })) });
  await applyServing(engine, makeSnapshot(1, [makeListener({ id: 'l', protocol: 'HTTP', port, defaultPoolId: 'p' })], [pool]));
  return port;
}

forEachEngine('Session persistence', (engine) => {
  it('SOURCE_IP: one client address stays on one member; round robin between addresses', async (t) => {
    const servers = await Promise.all(['a', 'b'].map((name) => startNameServer(name)));
    t.after(() => Promise.all(servers.map((server) => server.close())));
    const hx = await engine.start(t);
    const port = await freePort();
    const pool = makePool({ id: 'p', sessionPersistence: persistence('SOURCE_IP'), members: servers.map((server, i) => makeMember({ id: `m${i}`, port: server.port })) });
    await applyServing(hx, makeSnapshot(1, [makeListener({ id: 'l', port, defaultPoolId: 'p' })], [pool]));
    const chosen: string[] = [];
    for (let host = 1; host <= 4; host++) {
      const names = new Set<string>();
      for (let i = 0; i < 5; i++) names.add(await whoAnswers(port, `127.0.0.${host}`));
      assert.equal(names.size, 1, `127.0.0.${host} stays on one member`);
      chosen.push([...names][0] ?? '');
    }
    assert.deepEqual([...new Set(chosen)].sort(), ['a', 'b'], `new addresses still go round (${chosen.join(',')})`);
  });

  it('HTTP_COOKIE: SRV=<member id> is inserted once, followed, and not passed on to the member', async (t) => {
    const a = await startBackend(t, 'a');
    const b = await startBackend(t, 'b');
    const hx = await engine.start(t);
    const port = await httpListener(hx, [a.port, b.port], persistence('HTTP_COOKIE'));
    const first = await send(port, '/');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    // The Node engine writes `Path=/`, HAProxy `path=/`: attribute names are case-insensitive (RFC 6265 §5.2).
    assert.match(setCookie, new RegExp(`^SRV=member-${first.body}; path=/`, 'i'));
    const cookie = setCookie.split(';')[0] ?? '';
    for (let i = 0; i < 6; i++) {
      const reply = await send(port, '/', { headers: { cookie: `${cookie}; app=1` } });
      assert.equal(reply.body, first.body);
      assert.equal(reply.headers['set-cookie'], undefined, 'not inserted again');
    }
    const member = first.body === 'a' ? a : b;
    assert.equal(member.seen.at(-1)?.headers.cookie, 'app=1', 'the member sees only the application\'s cookies');
    // A cookie naming no member: balanced as new, and a fresh cookie set.
    const stale = await send(port, '/', { headers: { cookie: 'SRV=gone' } });
    assert.match(stale.headers['set-cookie']?.[0] ?? '', /^SRV=member-[ab];/);
  });

  it('APP_COOKIE: requests carrying the application\'s session cookie go where it was set', async (t) => {
    const handler = (name: string) => (_req: unknown, res: ServerResponse) => {
      res.setHeader('set-cookie', `JSESSIONID=${name}-session; Path=/`);
      res.end(name);
    };
    const a = await startBackend(t, 'a', handler('a'));
    const b = await startBackend(t, 'b', handler('b'));
    const hx = await engine.start(t);
    const port = await httpListener(hx, [a.port, b.port], persistence('APP_COOKIE', 'JSESSIONID'));
    const first = await send(port, '/');
    const second = await send(port, '/');
    assert.notEqual(first.body, second.body, 'without the cookie: round robin');
    for (const reply of [first, second]) {
      const session = reply.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
      for (let i = 0; i < 4; i++) assert.equal((await send(port, '/', { headers: { cookie: session } })).body, reply.body, session);
    }
  });
});
