// The `elbow` client commands, run as real processes against a real `elbow serve`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { reservePorts } from '../helpers/ports.js';

const MAIN = resolve(import.meta.dirname, '../../src/main.ts');
const COMMAND_TIMEOUT_MS = 120_000;
// Each CLI run is a fresh Node process compiling TypeScript: generous bounds for a loaded machine.
const TEST_TIMEOUT_MS = 180_000;
// Addresses and ports of our own, away from other suites' defaults.
const VIP = '127.0.77.';
const PORT = await reservePorts(5);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let server: ElbowProcess;
const workDir = mkdtempSync(join(tmpdir(), 'elbow-cli-e2e-'));

function elbow(...args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: { ...process.env, ELBOW_URL: server.url, ELBOW_API_TOKEN: server.token, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: COMMAND_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

async function ok(...args: string[]): Promise<string> {
  const run = await elbow(...args);
  assert.equal(run.code, 0, `elbow ${args.join(' ')} failed:\n${run.stderr}`);
  return run.stdout;
}

before(async () => {
  server = await startElbow({ args: ['--workers', '1'] });
});
after(async () => {
  await server?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('elbow CLI against a real server', () => {
  it('creates, lists, shows, updates and deletes, naming resources by name', { timeout: TEST_TIMEOUT_MS }, async () => {
    const created = await ok('loadbalancer', 'create', '--name', 'cli-lb', '--vip-address', `${VIP}1`);
    assert.match(created, /^name\s+cli-lb$/m);
    assert.match(created, /^provisioning_status\s+ACTIVE$/m);
    const lbId = /^id\s+(\S+)$/m.exec(created)?.[1];
    const pool = await server.api('POST', '/v2/lbaas/pools', { pool: { loadbalancer_id: lbId, name: 'cli-web', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' } });
    assert.equal(pool.status, 201);

    await ok('member', 'create', '--pool', 'cli-web', '--address', '127.0.0.1', '--protocol-port', String(PORT + 1), '--name', 'm1');
    await ok('listener', 'create', '--loadbalancer', 'cli-lb', '--protocol', 'HTTP', '--protocol-port', String(PORT), '--default-pool', 'cli-web', '--name', 'cli-front');
    const listener = (await server.api('GET', '/v2/lbaas/listeners?name=cli-front')).body.listeners[0];
    assert.equal(listener.default_pool_id, pool.body.pool.id);

    const list = await ok('listener', 'list', '--loadbalancer', 'cli-lb');
    const [header, row, more] = list.trimEnd().split('\n');
    assert.match(header ?? '', /^ID\s+NAME\s+PROTOCOL\s+PROTOCOL_PORT\s+LOADBALANCER_ID\s+DEFAULT_POOL_ID\s+PROVISIONING_STATUS\s+OPERATING_STATUS$/);
    assert.match(row ?? '', new RegExp(`^${listener.id}\\s+cli-front\\s+HTTP\\s+${PORT}\\s+${lbId}\\s+${pool.body.pool.id}\\s+[A-Z_]+\\s+[A-Z_]+$`));
    assert.equal(more, undefined);

    const shown = JSON.parse(await ok('member', 'show', 'm1', '--pool', 'cli-web', '--json')) as { member: { weight: number; address: string } };
    assert.equal(shown.member.address, '127.0.0.1');
    assert.equal(shown.member.weight, 1);

    const updated = await ok('member', 'update', 'm1', '--pool', 'cli-web', '--weight', '7', '--admin-state-up', 'false');
    assert.match(updated, /^weight\s+7$/m);
    assert.match(updated, /^admin_state_up\s+false$/m);

    assert.match(await ok('loadbalancer', 'delete', 'cli-lb', '--cascade'), /^Deleted loadbalancer /);
    assert.equal((await server.api('GET', `/v2/lbaas/loadbalancers/${lbId}`)).status, 404);
  });

  it('exits non-zero with the API message and code', { timeout: TEST_TIMEOUT_MS }, async () => {
    const lb = await server.api('POST', '/v2/lbaas/loadbalancers', { loadbalancer: { name: 'cli-err', vip_address: `${VIP}2` } });
    const existing = await server.api('POST', '/v2/lbaas/listeners', { listener: { loadbalancer_id: lb.body.loadbalancer.id, protocol: 'TCP', protocol_port: PORT + 2 } });
    assert.equal(existing.status, 201);
    const [conflict, missing, usage, badToken] = await Promise.all([
      elbow('listener', 'create', '--loadbalancer', 'cli-err', '--protocol', 'HTTP', '--protocol-port', String(PORT + 2)),
      elbow('pool', 'show', '00000000-0000-4000-8000-000000000000'),
      elbow('listener', 'create', '--protocol-port', 'eighty'),
      elbow('loadbalancer', 'list', '--token', 'wrong'),
    ]);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, new RegExp(`^elbow: .*${existing.body.listener.id}.* already uses .*port ${PORT + 2} \\(LISTENER_PORT_CONFLICT\\)\\n$`));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^elbow: .+ \(NOT_FOUND\)\n$/);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /not an integer/);
    assert.equal(badToken.code, 1);
    assert.match(badToken.stderr, /^elbow: .+ \(UNAUTHORIZED\)\n$/);
  });

  it('applies a file, then a second apply changes nothing, then converges a change', { timeout: TEST_TIMEOUT_MS }, async () => {
    const file = join(workDir, 'elbow.yaml');
    const config = (weight: number) => `
loadbalancers:
  - name: cli-apply
    vip_address: ${VIP}3
    pools:
      - name: web
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        members:
          - {address: 127.0.0.1, protocol_port: ${PORT + 3}, weight: ${weight}}
          - {address: 127.0.0.2, protocol_port: ${PORT + 3}}
    listeners:
      - protocol: HTTP
        protocol_port: ${PORT + 4}
        name: front
        default_pool: web
        l7policies:
          - name: deny-admin
            action: REJECT
            rules:
              - {type: PATH, compare_type: STARTS_WITH, value: /admin}
`;
    writeFileSync(file, config(1));
    const first = await ok('apply', '-f', file);
    assert.match(first, /^\+ loadbalancer cli-apply$/m);
    assert.match(first, new RegExp(`^\\+ listener cli-apply/HTTP:${PORT + 4}$`, 'm'));
    assert.match(first, /applied: 7 created, 0 updated, 0 deleted/);

    assert.equal(await ok('apply', '-f', file), 'no changes\n');

    writeFileSync(file, config(5).replace(`          - {address: 127.0.0.2, protocol_port: ${PORT + 3}}\n`, ''));
    const dry = await ok('apply', '-f', file, '--dry-run');
    assert.equal(dry, `~ member cli-apply/web/127.0.0.1:${PORT + 3} weight 1→5\n- member cli-apply/web/127.0.0.2:${PORT + 3}\ndry run: 0 to create, 1 to update, 1 to delete\n`);
    assert.match(await ok('apply', '-f', file), /applied: 0 created, 1 updated, 1 deleted/);
    assert.equal(await ok('apply', '-f', file), 'no changes\n');

    const status = await ok('status', 'cli-apply');
    const lines = status.trimEnd().split('\n');
    assert.match(lines[0] ?? '', new RegExp(`^loadbalancer cli-apply \\(${VIP.replaceAll('.', '\\.')}3\\)  [A-Z_]+ [A-Z_]+$`));
    assert.match(lines[1] ?? '', new RegExp(`^  listener HTTP:${PORT + 4} front  [A-Z_]+ [A-Z_]+$`));
    assert.match(lines[2] ?? '', /^ {4}pool web HTTP {2}ACTIVE [A-Z_]+$/);
    assert.match(lines[3] ?? '', new RegExp(`^ {6}member 127\\.0\\.0\\.1:${PORT + 3}  ACTIVE [A-Z_]+$`));
    assert.equal(lines.length, 4);
  });
  it('covers the admin kinds: quotas per project, flavor profiles and flavors (by name)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const set = JSON.parse(await ok('quota', 'update', 'cli-project', '--loadbalancer', '3', '--member', '40', '--json')).quota;
    assert.deepEqual([set.loadbalancer, set.load_balancer, set.member, set.pool], [3, 3, 40, -1]);
    assert.match(await ok('quota', 'list'), /cli-project/);
    assert.equal((await elbow('quota', 'create', '--loadbalancer', '1')).code !== 0, true, 'quotas are set, not created');
    const profile = JSON.parse(await ok('flavorprofile', 'create', '--name', 'cli-fp', '--provider-name', 'elbow', '--flavor-data', '{"connection_limit": 10}', '--json')).flavorprofile;
    const flavor = JSON.parse(await ok('flavor', 'create', '--name', 'cli-flavor', '--flavor-profile', 'cli-fp', '--json')).flavor;
    assert.equal(flavor.flavor_profile_id, profile.id, 'a profile named by its name');
    const bad = await elbow('flavorprofile', 'create', '--name', 'bad', '--provider-name', 'elbow', '--flavor-data', '{"nope": 1}');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /unknown key "nope"/);
    await ok('flavor', 'delete', 'cli-flavor');
    await ok('flavorprofile', 'delete', 'cli-fp');
    await ok('quota', 'delete', 'cli-project');
    assert.equal(JSON.parse(await ok('quota', 'show', 'cli-project', '--json')).quota.loadbalancer, -1);
  });
});
