// The real OpenStack CLI (python-octaviaclient) against `elbow serve`. Python takes seconds to
// start, so most commands go to one interactive `openstack` process on stdin (auth from OS_*
// variables), their outputs separated by echoed markers (stdout only: the interactive shell
// treats `>` as its own redirection); one call checks the documented command-line flags
// `--os-auth-type admin_token --os-token T --os-endpoint URL`.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { reservePorts } from '../helpers/ports.js';

const OPENSTACK = '/usr/bin/openstack';
const TIMEOUT_MS = 100_000;
/** Four ports in a row for listeners, from the one allocator (helpers/ports.ts). */
const LISTENER_PORT = await reservePorts(4);
const skip = existsSync(OPENSTACK) ? false : 'the openstack CLI is not installed';

let elbow: ElbowProcess;
before(async () => {
  if (!skip) elbow = await startElbow();
});
after(() => elbow?.stop());

/** The environment without the caller's own OS_* settings (a clouds.yaml cloud, a real token…). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OS_'))), ...extra };
}

interface Output {
  stdout: string;
  /** stdout parsed as JSON; undefined when empty or not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the CLI's JSON
}

/** POSIX shell single quoting. */
const quoted = (text: string) => `'${text.replace(/'/g, `'"'"'`)}'`;

/**
 * An argument as the interactive shell reads it: plain words as they are, anything else (JSON)
 * quoted twice, as the line goes through shlex twice (cmd2's parsing, then cliff's).
 */
function shellWord(arg: string): string {
  if (/^[\w.:/-]+$/.test(arg)) return arg;
  assert.ok(!arg.includes('\n'), `no newline in ${arg}`);
  return quoted(quoted(arg));
}

/** Runs the commands in one `openstack` process: one Output per command, in order, and all of stderr. */
async function openstackBatch(commands: string[][]): Promise<{ outputs: Output[]; stderr: string }> {
  const marker = (i: number) => `@@elbow-command-${i}@@`;
  const script = commands
    .map((args, i) => `${args.map(shellWord).join(' ')}\nshell echo ${marker(i)}\n`)
    .join('');
  const child = spawn(OPENSTACK, [], {
    env: cleanEnv({ OS_AUTH_TYPE: 'admin_token', OS_TOKEN: elbow.token, OS_ENDPOINT: elbow.url }),
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: TIMEOUT_MS,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(script);
  await new Promise((resolve, reject) => {
    child.once('close', resolve);
    child.once('error', reject);
  });
  const outputs = commands.map((_, i) => {
    const out = (stdout.split(marker(i))[0] ?? '').split(i > 0 ? marker(i - 1) : /^/).at(-1)?.trim() ?? '';
    let json: unknown;
    try {
      json = out === '' ? undefined : JSON.parse(out);
    } catch {
      json = undefined;
    }
    return { stdout: out, json };
  });
  return { outputs, stderr };
}

it('builds, reads, changes and deletes a load balancer with `openstack loadbalancer`', { skip, timeout: 3 * TIMEOUT_MS }, async () => {
  const commands = {
    lb: ['loadbalancer', 'create', '--name', 'lb1', '--vip-subnet-id', 'sub1', '-f', 'json'],
    listener: ['loadbalancer', 'listener', 'create', '--name', 'l1', '--protocol', 'HTTP', '--protocol-port', String(LISTENER_PORT), 'lb1', '-f', 'json'],
    pool: ['loadbalancer', 'pool', 'create', '--name', 'p1', '--listener', 'l1', '--protocol', 'HTTP', '--lb-algorithm', 'ROUND_ROBIN', '-f', 'json'],
    member: ['loadbalancer', 'member', 'create', '--name', 'm1', '--address', '127.0.0.1', '--protocol-port', '8081', 'p1', '-f', 'json'],
    monitor: ['loadbalancer', 'healthmonitor', 'create', '--name', 'h1', '--delay', '5', '--timeout', '3', '--max-retries', '2', '--type', 'HTTP', 'p1', '-f', 'json'],
    list: ['loadbalancer', 'list', '-f', 'json'],
    show: ['loadbalancer', 'show', 'lb1', '-f', 'json'],
    members: ['loadbalancer', 'member', 'list', 'p1', '-f', 'json'],
    status: ['loadbalancer', 'status', 'show', 'lb1'],
    stats: ['loadbalancer', 'stats', 'show', 'lb1', '-f', 'json'],
    set: ['loadbalancer', 'pool', 'set', '--lb-algorithm', 'LEAST_CONNECTIONS', 'p1'],
    changed: ['loadbalancer', 'pool', 'show', 'p1', '-f', 'json'],
    missing: ['loadbalancer', 'show', 'no-such-lb', '-f', 'json'],
    remove: ['loadbalancer', 'delete', '--cascade', 'lb1'],
  };
  const names = Object.keys(commands) as (keyof typeof commands)[];
  const { outputs, stderr } = await openstackBatch(Object.values(commands));
  const out = Object.fromEntries(names.map((name, i) => [name, outputs[i] as Output])) as Record<keyof typeof commands, Output>;
  // The one error is the show of a load balancer that does not exist.
  const errors = stderr.trim().split('\n');
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0] ?? '', /no-such-lb/);
  assert.equal(out.missing.stdout, '');

  const lb = out.lb.json;
  assert.equal(lb.name, 'lb1');
  assert.equal(lb.vip_subnet_id, 'sub1');
  assert.equal(lb.provisioning_status, 'ACTIVE');
  assert.match(lb.vip_address, /^127\./);
  for (const field of ['provider', 'flavor_id', 'availability_zone']) assert.ok(field in lb, field);
  assert.equal(out.listener.json.protocol_port, LISTENER_PORT);
  assert.equal(out.pool.json.lb_algorithm, 'ROUND_ROBIN');
  assert.equal(out.member.json.address, '127.0.0.1');
  assert.equal(out.monitor.json.type, 'HTTP');

  assert.deepEqual(out.list.json.map((item: { name: string }) => item.name), ['lb1']);
  assert.equal(out.show.json.id, lb.id);
  assert.match(String(out.show.json.listeners), new RegExp(out.listener.json.id));
  assert.deepEqual(out.members.json.map((item: { id: string }) => item.id), [out.member.json.id]);
  assert.equal(out.status.json.loadbalancer.id, lb.id);
  assert.equal(out.status.json.loadbalancer.listeners[0].pools[0].members[0].id, out.member.json.id);
  assert.equal(typeof out.stats.json.bytes_in, 'number');
  assert.equal(out.changed.json.lb_algorithm, 'LEAST_CONNECTIONS');

  // The documented command line, after the cascade delete above.
  const { stdout } = await promisify(execFile)(
    OPENSTACK,
    ['--os-auth-type', 'admin_token', '--os-token', elbow.token, '--os-endpoint', elbow.url, 'loadbalancer', 'list', '-f', 'json'],
    { env: cleanEnv(), timeout: TIMEOUT_MS },
  );
  assert.deepEqual(JSON.parse(stdout), []);
});

it('quotas, providers, flavors, availability zones, amphorae, failover and default pools with `openstack loadbalancer`', { skip, timeout: 3 * TIMEOUT_MS }, async () => {
  const tag = Math.random().toString(16).slice(2, 8);
  const project = `cli-project-${tag}`;
  const vipBlock = `127.0.${200 + Math.floor(Math.random() * 50)}`;
  const port = String(LISTENER_PORT + 1);
  const commands = {
    providers: ['loadbalancer', 'provider', 'list', '-f', 'json'],
    capabilities: ['loadbalancer', 'provider', 'capability', 'list', 'elbow', '-f', 'json'],
    quotaSet: ['loadbalancer', 'quota', 'set', '--loadbalancer', '1', '--member', '50', project],
    quotaShow: ['loadbalancer', 'quota', 'show', project, '-f', 'json'],
    quotaLb: ['loadbalancer', 'create', '--name', `q1-${tag}`, '--vip-subnet-id', 's', '--project', project, '-f', 'json'],
    quotaOver: ['loadbalancer', 'create', '--name', `q2-${tag}`, '--vip-subnet-id', 's', '--project', project, '-f', 'json'],
    flavorProfile: ['loadbalancer', 'flavorprofile', 'create', '--name', `fp-${tag}`, '--provider', 'elbow', '--flavor-data', '{"connection_limit": 100}', '-f', 'json'],
    flavor: ['loadbalancer', 'flavor', 'create', '--name', `f-${tag}`, '--flavorprofile', `fp-${tag}`, '--enable', '-f', 'json'],
    zoneProfile: ['loadbalancer', 'availabilityzoneprofile', 'create', '--name', `azp-${tag}`, '--provider', 'octavia', '--availability-zone-data', `{"vip_range": "${vipBlock}.1-${vipBlock}.9"}`, '-f', 'json'],
    zone: ['loadbalancer', 'availabilityzone', 'create', '--name', `az-${tag}`, '--availabilityzoneprofile', `azp-${tag}`, '-f', 'json'],
    lb: ['loadbalancer', 'create', '--name', `lb-${tag}`, '--vip-subnet-id', 's', '--flavor', `f-${tag}`, '--availability-zone', `az-${tag}`, '-f', 'json'],
    listener: ['loadbalancer', 'listener', 'create', '--name', `l-${tag}`, '--protocol', 'TCP', '--protocol-port', port, `lb-${tag}`, '-f', 'json'],
    pool: ['loadbalancer', 'pool', 'create', '--name', `p-${tag}`, '--listener', `l-${tag}`, '--protocol', 'TCP', '--lb-algorithm', 'ROUND_ROBIN', '-f', 'json'],
    member: ['loadbalancer', 'member', 'create', '--address', '127.0.0.1', '--protocol-port', '9', `p-${tag}`, '-f', 'json'],
    amphorae: ['loadbalancer', 'amphora', 'list', '--loadbalancer', `lb-${tag}`, '-f', 'json'],
    failover: ['loadbalancer', 'failover', `lb-${tag}`],
    poolDelete: ['loadbalancer', 'pool', 'delete', `p-${tag}`],
    listenerAfter: ['loadbalancer', 'listener', 'show', `l-${tag}`, '-f', 'json'],
    listenerDelete: ['loadbalancer', 'listener', 'delete', `l-${tag}`],
    lbDelete: ['loadbalancer', 'delete', `lb-${tag}`],
    flavorDelete: ['loadbalancer', 'flavor', 'delete', `f-${tag}`],
    zoneDelete: ['loadbalancer', 'availabilityzone', 'delete', `az-${tag}`],
    quotaReset: ['loadbalancer', 'quota', 'reset', project],
    quotaAfter: ['loadbalancer', 'quota', 'show', project, '-f', 'json'],
  };
  const names = Object.keys(commands) as (keyof typeof commands)[];
  const { outputs, stderr } = await openstackBatch(Object.values(commands));
  const out = Object.fromEntries(names.map((name, i) => [name, outputs[i] as Output])) as Record<keyof typeof commands, Output>;
  // The one error: the second load balancer of a project with a quota of one.
  const errors = stderr.trim().split('\n').filter((line) => line !== '');
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0] ?? '', /Quota has been met for resources: Load Balancer/);
  assert.equal(out.quotaOver.stdout, '');

  assert.deepEqual(out.providers.json.map((p: { name: string }) => p.name), ['elbow', 'octavia', 'amphora']);
  assert.ok(out.capabilities.json.some((c: { name: string }) => c.name === 'connection_limit'));
  assert.equal(out.quotaShow.json.load_balancer, 1);
  assert.equal(out.quotaShow.json.member, 50);
  assert.equal(out.quotaLb.json.project_id, project);
  assert.equal(out.flavor.json.flavor_profile_id, out.flavorProfile.json.id);
  assert.equal(out.zone.json.availability_zone_profile_id, out.zoneProfile.json.id);
  assert.equal(out.lb.json.flavor_id, out.flavor.json.id);
  assert.equal(out.lb.json.availability_zone, `az-${tag}`);
  assert.match(out.lb.json.vip_address, new RegExp(`^${vipBlock.replace(/\./g, '\\.')}\\.[1-9]$`));
  assert.equal(out.member.json.protocol_port, 9, 'a member created on the default pool');
  assert.deepEqual(out.amphorae.json.map((a: { loadbalancer_id: string; status: string; ha_ip: string }) => [a.loadbalancer_id, a.status, a.ha_ip]), [[out.lb.json.id, 'ALLOCATED', out.lb.json.vip_address]]);
  assert.equal(out.failover.stdout, '');
  assert.equal(out.listenerAfter.json.default_pool_id, null, "deleting the default pool clears the listener's default_pool_id");
  assert.equal(out.quotaAfter.json.load_balancer, -1, 'reset to the defaults');

  // What is left: the quota test's one load balancer; the flavor and zone profiles, deleted here.
  const remaining = await elbow.api('GET', `/v2/lbaas/loadbalancers?project_id=${project}`);
  assert.deepEqual(remaining.body.loadbalancers.map((lb: { name: string }) => lb.name), [`q1-${tag}`]);
  assert.deepEqual((await elbow.api('GET', `/v2/lbaas/flavors?name=f-${tag}`)).body.flavors, []);
  for (const [path, id] of [['flavorprofiles', out.flavorProfile.json.id], ['availabilityzoneprofiles', out.zoneProfile.json.id], ['loadbalancers', out.quotaLb.json.id]]) {
    assert.equal((await elbow.api('DELETE', `/v2/lbaas/${path}/${id}`)).status, 204, path);
  }
});
