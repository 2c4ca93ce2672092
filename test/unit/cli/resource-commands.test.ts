import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './cli-harness.js';
import { createFakeApi } from './fake-api.js';

describe('elbow <resource> commands', () => {
  it('creates a load balancer and shows it as key/value pairs', async () => {
    const api = createFakeApi();
    const run = await runCli(['loadbalancer', 'create', '--name', 'demo', '--vip-address', '127.0.1.5', '--admin-state-up', 'false'], api.fetch);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^name\s+demo$/m);
    assert.match(run.stdout, /^vip_address\s+127\.0\.1\.5$/m);
    assert.match(run.stdout, /^admin_state_up\s+false$/m);
    assert.equal(api.data.get('loadbalancers')?.[0]?.admin_state_up, false);
  });

  it('sends typed fields and resolves referenced resources by name', async () => {
    const api = createFakeApi();
    const lb = api.seed('loadbalancers', { name: 'demo' });
    const pool = api.seed('pools', { name: 'web', loadbalancer_id: lb.id, protocol: 'HTTP' });
    const run = await runCli(
      ['listener', 'create', '--loadbalancer', 'demo', '--protocol', 'HTTP', '--protocol-port', '80', '--default-pool', 'web', '--allowed-cidrs', '10.0.0.0/8,192.0.2.0/24', '--insert-headers', '{"X-Forwarded-For":"true"}'],
      api.fetch,
    );
    assert.equal(run.code, 0, run.stderr);
    const listener = api.data.get('listeners')?.[0];
    assert.equal(listener?.loadbalancer_id, lb.id);
    assert.equal(listener?.default_pool_id, pool.id);
    assert.equal(listener?.protocol_port, 80);
    assert.deepEqual(listener?.allowed_cidrs, ['10.0.0.0/8', '192.0.2.0/24']);
    assert.deepEqual(listener?.insert_headers, { 'X-Forwarded-For': 'true' });
  });

  it('lists with aligned columns including statuses', async () => {
    const api = createFakeApi();
    api.seed('loadbalancers', { name: 'a', vip_address: '127.0.1.1' });
    api.seed('loadbalancers', { name: 'longer-name', vip_address: '127.0.1.22' });
    const run = await runCli(['loadbalancer', 'list'], api.fetch);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? '', /^ID\s+NAME\s+VIP_ADDRESS\s+TYPE\s+PROVISIONING_STATUS\s+OPERATING_STATUS$/);
    const nameAt = (lines[0] ?? '').indexOf('NAME');
    assert.ok((lines[1] ?? '').slice(nameAt).startsWith('a '));
    assert.ok((lines[2] ?? '').slice(nameAt).startsWith('longer-name '));
    assert.match(lines[2] ?? '', /ACTIVE\s+ONLINE$/);
  });

  it('lists members of a pool named by name, and filters listeners by load balancer', async () => {
    const api = createFakeApi();
    const lb = api.seed('loadbalancers', { name: 'demo' });
    const other = api.seed('loadbalancers', { name: 'other' });
    const pool = api.seed('pools', { name: 'web', loadbalancer_id: lb.id });
    api.seed('members', { pool_id: pool.id, address: '10.0.0.1', protocol_port: 8080 });
    api.seed('listeners', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: 80, name: 'mine' });
    api.seed('listeners', { loadbalancer_id: other.id, protocol: 'TCP', protocol_port: 81, name: 'theirs' });
    const members = await runCli(['member', 'list', '--pool', 'web'], api.fetch);
    assert.match(members.stdout, /10\.0\.0\.1\s+8080\s+1/);
    const listeners = await runCli(['listener', 'list', '--loadbalancer', 'demo'], api.fetch);
    assert.match(listeners.stdout, /mine/);
    assert.doesNotMatch(listeners.stdout, /theirs/);
  });

  it('updates only the given fields and deletes by name', async () => {
    const api = createFakeApi();
    const pool = api.seed('pools', { name: 'web', lb_algorithm: 'ROUND_ROBIN' });
    const m = api.seed('members', { pool_id: pool.id, address: '10.0.0.1', protocol_port: 80, name: 'm1' });
    const upd = await runCli(['member', 'update', 'm1', '--pool', 'web', '--weight', '5'], api.fetch);
    assert.equal(upd.code, 0, upd.stderr);
    assert.ok(api.requests.includes(`PUT /v2/lbaas/pools/${pool.id}/members/${m.id}`));
    assert.equal(api.data.get('members')?.[0]?.weight, 5);
    const del = await runCli(['member', 'delete', 'm1', '--pool', pool.id], api.fetch);
    assert.equal(del.code, 0, del.stderr);
    assert.equal(api.data.get('members')?.length, 0);
    assert.match(del.stdout, /Deleted member/);
  });

  it("clears a reference with an empty value", async () => {
    const api = createFakeApi();
    const pool = api.seed('pools', { name: 'web' });
    api.seed('listeners', { name: 'front', default_pool_id: pool.id });
    const run = await runCli(['listener', 'update', 'front', '--default-pool', ''], api.fetch);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(api.data.get('listeners')?.[0]?.default_pool_id, null);
  });

  it('reads certificate files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elbow-cli-'));
    try {
      writeFileSync(join(dir, 'c.pem'), '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n');
      writeFileSync(join(dir, 'k.pem'), '-----BEGIN PRIVATE KEY-----\nBBB\n-----END PRIVATE KEY-----\n');
      const api = createFakeApi();
      let sent: Record<string, unknown> | undefined;
      const spy: typeof api.fetch = (input, init) => {
        if (init?.method === 'POST') sent = JSON.parse(String(init.body)) as Record<string, unknown>;
        return api.fetch(input, init);
      };
      const run = await runCli(['certificate', 'create', '--name', 'site', '--certificate-file', join(dir, 'c.pem'), '--private-key-file', join(dir, 'k.pem')], spy);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(Object.keys((sent?.certificate ?? {}) as object).sort(), ['certificate', 'name', 'private_key']);
      assert.match(JSON.stringify(sent), /BBB/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--json prints the API body', async () => {
    const api = createFakeApi();
    api.seed('ipgroups', { name: 'office', ip_list: [{ ip: '192.0.2.0/24', description: '' }] });
    const run = await runCli(['ipgroup', 'list', '--json'], api.fetch);
    const parsed = JSON.parse(run.stdout) as { ipgroups: { name: string }[] };
    assert.equal(parsed.ipgroups[0]?.name, 'office');
  });

  it('reports API errors as "elbow: <faultstring> (<code>)" with exit code 1', async () => {
    const api = createFakeApi();
    const run = await runCli(['pool', 'show', '3f1c0000-0000-4000-8000-000000000000'], api.fetch);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'elbow: pool 3f1c0000-0000-4000-8000-000000000000 not found (NOT_FOUND)\n');
  });

  it('reports a wrong token with the API message', async () => {
    const api = createFakeApi();
    const run = await runCli(['loadbalancer', 'list'], api.fetch, { ELBOW_API_TOKEN: 'wrong' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^elbow: Authentication required \(UNAUTHORIZED\)\n$/);
  });

  it('refuses an ambiguous name', async () => {
    const api = createFakeApi();
    api.seed('pools', { name: 'web' });
    api.seed('pools', { name: 'web' });
    const run = await runCli(['pool', 'show', 'web'], api.fetch);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /pool name "web" is ambiguous/);
  });

  it('exits 2 on usage errors: bad integer, missing parent, empty update', async () => {
    const api = createFakeApi();
    const badInt = await runCli(['listener', 'create', '--protocol-port', 'eighty'], api.fetch);
    assert.equal(badInt.code, 2);
    assert.match(badInt.stderr, /not an integer/);
    const noParent = await runCli(['member', 'list'], api.fetch);
    assert.equal(noParent.code, 2);
    assert.match(noParent.stderr, /--pool/);
    const emptyUpdate = await runCli(['pool', 'update', 'web'], api.fetch);
    assert.equal(emptyUpdate.code, 2);
    assert.match(emptyUpdate.stderr, /nothing to update/);
    assert.deepEqual(api.requests, []);
  });

  it('--help exits 0 and lists the field options', async () => {
    const run = await runCli(['member', 'create', '--help'], createFakeApi().fetch);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--protocol-port <int>/);
    assert.match(run.stdout, /--pool <pool>/);
    assert.match(run.stdout, /--url <url>/);
  });

  it('reads the token from <data-dir>/api-token when none is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elbow-cli-'));
    try {
      writeFileSync(join(dir, 'api-token'), 'from-file\n');
      const api = createFakeApi('from-file');
      const run = await runCli(['loadbalancer', 'list', '--data-dir', dir], api.fetch, { ELBOW_API_TOKEN: '' });
      assert.equal(run.code, 0, run.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
