// openstacksdk (Debian's python3-openstacksdk, the library behind most OpenStack tooling) drives a
// real `elbow serve` through its load_balancer proxy: every resource through create, find, get,
// list, update and delete, quotas, providers, flavors, availability zones, amphorae, failover, the
// batch member update, the single-call create, and Terraform's teardown order (pool, listener,
// load balancer). The script is test/e2e/openstacksdk/drive_elbow.py; it raises on the first
// failed check and prints what it checked.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { freePort } from '../unit/dataplane/support.js';

/** Debian's python3 has the package; a python3 first on PATH (pyenv, venv) may not. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, 'openstacksdk/drive_elbow.py');

function sdkMissing(): string | false {
  try {
    execFileSync(PYTHON, ['-c', 'import openstack'], { stdio: 'ignore', timeout: 60_000 });
    return false;
  } catch {
    return `${PYTHON} cannot import openstack (apt-get install python3-openstacksdk; .ci/run does)`;
  }
}

const skip = sdkMissing();
let elbow: ElbowProcess;
before(async () => {
  if (!skip) elbow = await startElbow();
});
after(() => elbow?.stop());

it('openstacksdk drives every resource and endpoint, and tears down in Terraform\'s order', { skip, timeout: 300_000 }, async () => {
  const ports = [await freePort(), await freePort()];
  const project = `sdk-${Math.random().toString(16).slice(2, 10)}`;
  const run = await promisify(execFile)(PYTHON, [SCRIPT], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ELBOW_URL: elbow.url, ELBOW_TOKEN: elbow.token, ELBOW_PORTS: ports.join(','), ELBOW_PROJECT: project },
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`drive_elbow.py failed: ${error.message}\n--- stderr ---\n${error.stderr?.slice(-4000) ?? ''}`);
  });
  const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { checked: number; checks: string[]; openstacksdk: string };
  assert.ok(report.checked >= 95, `${report.checked} checks`);
  for (const needed of ['member batch update', 'quota set', 'amphora failover and configure', "pool delete (a listener's default pool)", 'single-call create answers in full']) {
    assert.ok(report.checks.includes(needed), needed);
  }
  // Nothing left behind: the script deleted what it made, in Terraform's order.
  for (const plural of ['loadbalancers', 'listeners', 'pools', 'healthmonitors', 'l7policies', 'flavors', 'flavorprofiles', 'availabilityzones', 'availabilityzoneprofiles', 'quotas']) {
    const answer = await elbow.api('GET', `/v2/lbaas/${plural}`);
    const key = plural === 'availabilityzones' ? 'availability_zones' : plural === 'availabilityzoneprofiles' ? 'availability_zone_profiles' : plural;
    assert.deepEqual(answer.body[key], [], plural);
  }
});
