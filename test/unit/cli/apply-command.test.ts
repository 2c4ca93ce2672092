import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from './cli-harness.js';
import { createFakeApi } from './fake-api.js';

const dir = mkdtempSync(join(tmpdir(), 'elbow-apply-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

const CONFIG = `
ipgroups:
  - {name: office, ip_list: [192.0.2.0/24, {ip: 198.51.100.7, description: vpn}]}
loadbalancers:
  - name: demo
    pools:
      - name: web
        protocol: HTTP
        lb_algorithm: LEAST_CONNECTIONS
        members:
          - {address: 10.0.0.1, weight: 1}
          - {address: 10.0.0.2, weight: 2}
        healthmonitor: {type: HTTP, delay: 5, timeout: 3, max_retries: 3}
    listeners:
      - protocol: HTTP
        protocol_port: 80
        default_pool: web
        ipgroup: {name: office, type: white}
        l7policies:
          - name: block-admin
            action: REJECT
            rules:
              - {type: PATH, compare_type: STARTS_WITH, value: /admin}
`;

describe('elbow apply (against an in-memory API)', () => {
  it('creates everything, then a second run changes nothing', async () => {
    const api = createFakeApi();
    const path = file('a.yaml', CONFIG);
    const first = await runCli(['apply', '-f', path], api.fetch);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^\+ listener demo\/HTTP:80$/m);
    assert.match(first.stdout, /applied: 9 created, 0 updated, 0 deleted/);
    const listener = api.data.get('listeners')?.[0];
    const pool = api.data.get('pools')?.[0];
    assert.equal(listener?.default_pool_id, pool?.id);
    assert.deepEqual(listener?.ipgroup, { enable_ipgroup: true, type: 'white', ipgroup_id: api.data.get('ipgroups')?.[0]?.id });
    assert.equal(api.data.get('members')?.every((m) => m.pool_id === pool?.id && m.protocol_port === 80), true);

    const second = await runCli(['apply', '-f', path], api.fetch);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'no changes\n');
  });

  it('--dry-run prints the plan and changes nothing; then the change applies', async () => {
    const api = createFakeApi();
    await runCli(['apply', '-f', file('b.yaml', CONFIG)], api.fetch);
    const changed = file('c.yaml', CONFIG.replace('weight: 2', 'weight: 5').replace("          - {address: 10.0.0.1, weight: 1}\n", ''));
    const dry = await runCli(['apply', '-f', changed, '--dry-run'], api.fetch);
    assert.equal(dry.stdout, '~ member demo/web/10.0.0.2:80 weight 2→5\n- member demo/web/10.0.0.1:80\ndry run: 0 to create, 1 to update, 1 to delete\n');
    assert.equal(api.data.get('members')?.length, 2);
    const real = await runCli(['apply', '-f', changed], api.fetch);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(api.data.get('members')?.map((m) => [m.address, m.weight]), [['10.0.0.2', 5]]);
    assert.equal((await runCli(['apply', '-f', changed], api.fetch)).stdout, 'no changes\n');
  });

  it('--json --dry-run prints the planned changes as JSON', async () => {
    const api = createFakeApi();
    const run = await runCli(['apply', '-f', file('j.yaml', 'loadbalancers:\n  - name: j\n'), '--dry-run', '--json'], api.fetch);
    assert.deepEqual(JSON.parse(run.stdout), { dry_run: true, changes: [{ op: 'create', kind: 'loadbalancer', key: 'j' }] });
    assert.equal(api.data.get('loadbalancers')?.length, 0);
  });

  it('reports a bad file and an API refusal with exit code 1', async () => {
    const api = createFakeApi();
    const bad = await runCli(['apply', '-f', file('d.yaml', 'loadbalancers:\n  - {}\n')], api.fetch);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^elbow: .*d\.yaml: loadbalancers\[0\]\.name: must be a non-empty string\n$/);
    const lb = api.seed('loadbalancers', { name: 'demo' });
    api.seed('listeners', { loadbalancer_id: api.seed('loadbalancers', { name: 'x' }).id, protocol: 'TCP', protocol_port: 1 });
    api.seed('listeners', { loadbalancer_id: lb.id, protocol: 'UDP', protocol_port: 53 });
    // The fake refuses a second listener on a port of the same load balancer (any transport).
    const refused = await runCli(['apply', '-f', file('e.yaml', 'loadbalancers:\n  - name: demo\n    listeners:\n      - {protocol: UDP, protocol_port: 53}\n      - {protocol: TCP, protocol_port: 53}\n')], api.fetch);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^\+ listener demo\/TCP:53$/m);
    assert.match(refused.stderr, /\(LISTENER_PORT_CONFLICT\)\n$/);
  });
});
