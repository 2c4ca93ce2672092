// elbow's own answers when a request cannot be carried, on both engines: no member (an empty
// pool), a member that refuses connections, a member slower than timeout_member_data, and a
// listener without a default pool.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startBackend } from '../helpers/l7-harness.js';
import { freePort, makeListener, makeMember, makePool, makeSnapshot } from '../unit/dataplane/support.js';
import { curl } from './clients.js';
import { applyServing, forEachEngine } from './engines.js';

forEachEngine('Error answers', (engine) => {
  it('503 without a member or a default pool, 504 past timeout_member_data, and a refusing member', async (t) => {
    const silent = await startBackend(t, 'silent', () => undefined);
    const hx = await engine.start(t);
    const [empty, dead, slow, none] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const closedPort = await freePort();
    const timeouts = { clientData: 50_000, memberConnect: 2_000, memberData: 500 };
    await applyServing(hx, makeSnapshot(1, [
      makeListener({ id: 'empty', protocol: 'HTTP', port: empty, defaultPoolId: 'empty' }),
      makeListener({ id: 'dead', protocol: 'HTTP', port: dead, defaultPoolId: 'dead' }),
      makeListener({ id: 'slow', protocol: 'HTTP', port: slow, defaultPoolId: 'slow', timeouts }),
      makeListener({ id: 'none', protocol: 'HTTP', port: none, defaultPoolId: null }),
    ], [
      makePool({ id: 'empty', protocol: 'HTTP', members: [] }),
      makePool({ id: 'dead', protocol: 'HTTP', members: [makeMember({ id: 'gone', port: closedPort })] }),
      makePool({ id: 'slow', protocol: 'HTTP', members: [makeMember({ id: 'silent', port: silent.port })] }),
    ]));
    const get = (port: number) => curl([`http://127.0.0.1:${port}/`]);
    const noMember = await get(empty);
    assert.deepEqual([noMember.status, noMember.body], [503, '503 Service Unavailable: no member of pool empty is available\n']);
    assert.equal((await get(none)).status, 503);
    const timedOut = await get(slow);
    assert.equal(timedOut.status, 504, timedOut.body);
    // A member that refuses the connection, asked a POST first: the Node engine answers 502 (it
    // retries only idempotent requests) and marks the member down; HAProxy retries any request
    // whose connection failed (nothing was sent), then answers 503. After that: 503 on both.
    const refused = await curl(['--data', 'x', `http://127.0.0.1:${dead}/`]);
    assert.equal(refused.status, engine.name === 'haproxy' ? 503 : 502, refused.body);
    assert.equal((await get(dead)).status, 503, 'then: no member available');
  });
});
