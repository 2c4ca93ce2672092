// The real OpenStack CLI (python-octaviaclient) against `elbow serve`, authenticated the way
// docs/api.md says: --os-auth-type admin_token --os-token T --os-endpoint URL. Each call starts
// Python (several seconds), so the calls are few and independent reads run side by side.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';

const OPENSTACK = '/usr/bin/openstack';
const run = promisify(execFile);
const LISTENER_PORT = 20000 + Math.floor(Math.random() * 20000);
const skip = existsSync(OPENSTACK) ? false : 'the openstack CLI is not installed';

let elbow: ElbowProcess;
before(async () => {
  if (!skip) elbow = await startElbow();
});
after(() => elbow?.stop());

/** Runs `openstack <args>` against elbow; parses the output as JSON when it is JSON. */
async function openstack(...args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- the CLI's JSON
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OS_')));
  const { stdout } = await run(OPENSTACK, ['--os-auth-type', 'admin_token', '--os-token', elbow.token, '--os-endpoint', elbow.url, ...args], {
    env,
    timeout: 60_000,
  }).catch((err: { stderr?: string; message: string }) => {
    throw new Error(`openstack ${args.join(' ')} failed: ${err.stderr ?? err.message}`, { cause: err });
  });
  try {
    return JSON.parse(stdout);
  } catch {
    return stdout;
  }
}

it('builds, reads, changes and deletes a load balancer with `openstack loadbalancer`', { skip, timeout: 300_000 }, async () => {
  const lb = await openstack('loadbalancer', 'create', '--name', 'lb1', '--vip-subnet-id', 'sub1', '-f', 'json');
  assert.equal(lb.name, 'lb1');
  assert.equal(lb.vip_subnet_id, 'sub1');
  assert.equal(lb.provisioning_status, 'ACTIVE');
  assert.match(lb.vip_address, /^127\./);
  for (const field of ['provider', 'flavor_id', 'availability_zone']) assert.ok(field in lb, field);

  const listener = await openstack('loadbalancer', 'listener', 'create', '--name', 'l1', '--protocol', 'HTTP', '--protocol-port', String(LISTENER_PORT), 'lb1', '-f', 'json');
  assert.equal(listener.protocol_port, LISTENER_PORT);
  const pool = await openstack('loadbalancer', 'pool', 'create', '--name', 'p1', '--listener', 'l1', '--protocol', 'HTTP', '--lb-algorithm', 'ROUND_ROBIN', '-f', 'json');
  assert.equal(pool.lb_algorithm, 'ROUND_ROBIN');
  const member = await openstack('loadbalancer', 'member', 'create', '--name', 'm1', '--address', '127.0.0.1', '--protocol-port', '8081', 'p1', '-f', 'json');
  assert.equal(member.address, '127.0.0.1');
  const monitor = await openstack('loadbalancer', 'healthmonitor', 'create', '--name', 'h1', '--delay', '5', '--timeout', '3', '--max-retries', '2', '--type', 'HTTP', 'p1', '-f', 'json');
  assert.equal(monitor.type, 'HTTP');

  const [list, shown, members, status, stats] = await Promise.all([
    openstack('loadbalancer', 'list', '-f', 'json'),
    openstack('loadbalancer', 'show', 'lb1', '-f', 'json'),
    openstack('loadbalancer', 'member', 'list', 'p1', '-f', 'json'),
    openstack('loadbalancer', 'status', 'show', 'lb1'),
    openstack('loadbalancer', 'stats', 'show', 'lb1', '-f', 'json'),
  ]);
  assert.deepEqual(list.map((item: { name: string }) => item.name), ['lb1']);
  assert.equal(shown.id, lb.id);
  assert.match(String(shown.listeners), new RegExp(listener.id));
  assert.deepEqual(members.map((item: { id: string }) => item.id), [member.id]);
  assert.equal(status.loadbalancer.id, lb.id);
  assert.equal(status.loadbalancer.listeners[0].pools[0].members[0].id, member.id);
  assert.equal(typeof stats.bytes_in, 'number');

  await openstack('loadbalancer', 'pool', 'set', '--lb-algorithm', 'LEAST_CONNECTIONS', 'p1');
  const changed = await openstack('loadbalancer', 'pool', 'show', 'p1', '-f', 'json');
  assert.equal(changed.lb_algorithm, 'LEAST_CONNECTIONS');

  await openstack('loadbalancer', 'delete', '--cascade', 'lb1');
  assert.deepEqual(await openstack('loadbalancer', 'list', '-f', 'json'), []);
});
