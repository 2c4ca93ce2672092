// `elbow serve --demo`: the demo load balancer is created once, serves both built-in backends,
// and is re-pointed at the new backends after a restart.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startElbow } from '../helpers/elbow-process.js';

it('--demo creates the demo load balancer once and points it at its backends', async (t) => {
  const first = await startElbow({ args: ['--demo'] });
  t.after(() => first.stop());
  const [, demoUrl] = await first.waitForStdout(/^demo: curl (http:\/\/\S+)$/m);
  // The data plane serves the demo: both backends answer, in turn.
  const answers = new Set<string>();
  for (let i = 0; i < 4; i++) answers.add(await (await fetch(demoUrl ?? '', { signal: AbortSignal.timeout(10_000) })).text());
  assert.deepEqual([...answers].sort(), ['hello from demo backend 1\n', 'hello from demo backend 2\n']);
  const lbs = (await first.api('GET', '/v2/lbaas/loadbalancers?name=demo')).body.loadbalancers;
  assert.equal(lbs.length, 1);
  const [pool] = (await first.api('GET', '/v2/lbaas/pools?name=demo')).body.pools;
  const members = (await first.api('GET', `/v2/lbaas/pools/${pool.id}/members`)).body.members;
  assert.equal(members.length, 2);
  await first.stop();

  const second = await startElbow({ dataDir: first.dataDir, args: ['--demo'] });
  t.after(() => second.stop());
  const [, demoUrlAgain] = await second.waitForStdout(/^demo: curl (http:\/\/\S+)$/m);
  assert.match(await (await fetch(demoUrlAgain ?? '', { signal: AbortSignal.timeout(10_000) })).text(), /^hello from demo backend [12]\n$/);
  assert.equal((await second.api('GET', '/v2/lbaas/loadbalancers?name=demo')).body.loadbalancers.length, 1);
  const after = (await second.api('GET', `/v2/lbaas/pools/${pool.id}/members`)).body.members;
  assert.equal(after.length, 2);
  assert.notDeepEqual(after.map((m: { id: string }) => m.id).sort(), members.map((m: { id: string }) => m.id).sort(), 'members re-pointed at the new backends');
});
