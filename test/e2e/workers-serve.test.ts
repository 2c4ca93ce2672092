// `elbow serve --workers 2` as a real process: the API configures a TCP listener that the two
// worker processes serve, stats and metrics are one truth, and SIGTERM stops every worker too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startElbow } from '../helpers/elbow-process.js';
import { echoes, echoServer, freePort, until } from '../unit/dataplane/cluster/cluster-fixtures.js';

const V2 = '/v2/lbaas';

test('elbow serve --workers 2 serves a TCP listener from both workers and stops them on SIGTERM', async (t) => {
  const echo = await echoServer();
  t.after(() => echo.close());
  const elbow = await startElbow({ args: ['--workers', '2'] });
  t.after(() => elbow.stop('SIGKILL'));

  const lb = (await elbow.api('POST', `${V2}/loadbalancers`, { loadbalancer: { name: 'workers', vip_address: '127.0.0.1' } })).body.loadbalancer;
  assert.ok(lb?.id, 'load balancer created');
  const port = await freePort();
  const listener = await elbow.api('POST', `${V2}/listeners`, { listener: { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: port } });
  assert.equal(listener.status, 201, JSON.stringify(listener.body));
  const pool = await elbow.api('POST', `${V2}/pools`, { pool: { listener_id: listener.body.listener.id, protocol: 'TCP', lb_algorithm: 'LEAST_CONNECTIONS' } });
  assert.equal(pool.status, 201, JSON.stringify(pool.body));
  const member = await elbow.api('POST', `${V2}/pools/${pool.body.pool.id}/members`, { member: { address: '127.0.0.1', protocol_port: echo.port } });
  assert.equal(member.status, 201, JSON.stringify(member.body));

  let served = 0;
  // Until each worker logged a start of this listener and both have taken connections.
  await until('connections through both workers', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => echoes(port)));
    assert.ok(results.every(Boolean));
    served += results.length;
    const metrics = (await elbow.api('GET', '/metrics')).body as string;
    return /^elbow_dataplane_workers\{state="ready"\} 2$/m.test(metrics) && served >= 40;
  });
  const stats = await elbow.api('GET', `${V2}/listeners/${listener.body.listener.id}/stats`);
  assert.equal(stats.body.stats.total_connections, served, 'stats summed over the workers');

  const workerPids = new Set([...elbow.stderr().matchAll(/"worker":\d+,"pid":(\d+)/g)].map((match) => Number(match[1])));
  assert.equal(workerPids.size, 2, 'two worker processes logged');
  assert.equal(await elbow.stop('SIGTERM'), 0);
  for (const pid of workerPids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `worker ${pid} exited`);
});
