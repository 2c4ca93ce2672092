import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderStatusTree } from '../../../src/cli/status-tree.js';
import { runCli } from './cli-harness.js';
import { createFakeApi } from './fake-api.js';

const TREE = {
  statuses: {
    loadbalancer: {
      id: 'lb', name: 'demo', provisioning_status: 'ACTIVE', operating_status: 'DEGRADED',
      listeners: [{
        id: 'l1', name: 'front', provisioning_status: 'ACTIVE', operating_status: 'ONLINE',
        pools: [{
          id: 'p1', name: 'web', provisioning_status: 'ACTIVE', operating_status: 'DEGRADED',
          health_monitor: { id: 'h1', type: 'HTTP', provisioning_status: 'ACTIVE', operating_status: 'ONLINE' },
          members: [
            { id: 'm1', name: '', address: '10.0.0.1', protocol_port: 80, provisioning_status: 'ACTIVE', operating_status: 'ONLINE' },
            { id: 'm2', provisioning_status: 'ACTIVE', operating_status: 'ERROR' },
          ],
        }],
      }],
    },
  },
};
const DETAILS = new Map([
  ['lb', { id: 'lb', vip_address: '127.0.1.10' }],
  ['l1', { id: 'l1', protocol: 'HTTP', protocol_port: 80 }],
  ['p1', { id: 'p1', protocol: 'HTTP' }],
  ['m2', { id: 'm2', name: 'b', address: '2001:db8::2', protocol_port: 8080 }],
]);

describe('elbow status', () => {
  it('renders the tree with names and addresses filled in from the resources', () => {
    assert.equal(
      renderStatusTree(TREE, DETAILS, false),
      [
        'loadbalancer demo (127.0.1.10)  ACTIVE DEGRADED',
        '  listener HTTP:80 front  ACTIVE ONLINE',
        '    pool web HTTP  ACTIVE DEGRADED',
        '      healthmonitor HTTP  ACTIVE ONLINE',
        '      member 10.0.0.1:80  ACTIVE ONLINE',
        '      member [2001:db8::2]:8080 b  ACTIVE ERROR',
        '',
      ].join('\n'),
    );
  });

  it('colours statuses only when asked to', () => {
    const coloured = renderStatusTree(TREE, DETAILS, true);
    const ESC = '\u001b';
    assert.ok(coloured.includes(`${ESC}[32mONLINE${ESC}[0m`));
    assert.ok(coloured.includes(`${ESC}[33mDEGRADED${ESC}[0m`));
    assert.ok(coloured.includes(`${ESC}[31mERROR${ESC}[0m`));
    assert.ok(!renderStatusTree(TREE, DETAILS, false).includes(ESC));
  });

  it('shows one load balancer by name, or all of them', async () => {
    const api = createFakeApi();
    const lb = api.seed('loadbalancers', { name: 'demo', vip_address: '127.0.1.10' });
    const pool = api.seed('pools', { name: 'web', protocol: 'HTTP', loadbalancer_id: lb.id });
    api.seed('members', { pool_id: pool.id, address: '10.0.0.1', protocol_port: 80 });
    api.seed('listeners', { name: 'front', protocol: 'HTTP', protocol_port: 80, loadbalancer_id: lb.id, default_pool_id: pool.id });
    api.seed('loadbalancers', { name: 'other', vip_address: '127.0.1.11' });
    const one = await runCli(['status', 'demo'], api.fetch);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, 'loadbalancer demo (127.0.1.10)  ACTIVE ONLINE\n  listener HTTP:80 front  ACTIVE ONLINE\n    pool web HTTP  ACTIVE ONLINE\n      member 10.0.0.1:80  ACTIVE ONLINE\n');
    const idle = api.seed('pools', { name: 'spare', protocol: 'TCP', loadbalancer_id: lb.id });
    api.seed('members', { pool_id: idle.id, address: '10.0.0.9', protocol_port: 22 });
    const withIdle = await runCli(['status', 'demo'], api.fetch);
    assert.match(withIdle.stdout, /\n {2}pool spare TCP {2}ACTIVE ONLINE\n {4}member 10\.0\.0\.9:22 {2}ACTIVE ONLINE\n$/);
    const all = await runCli(['status'], api.fetch);
    assert.match(all.stdout, /^loadbalancer other \(127\.0\.1\.11\)/m);
    const missing = await runCli(['status', 'nope'], api.fetch);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found \(NOT_FOUND\)/);
  });

  it('--watch redraws the tree every interval, showing what changed in between', async () => {
    const api = createFakeApi();
    const lb = api.seed('loadbalancers', { name: 'demo', vip_address: '127.0.1.10' });
    const pool = api.seed('pools', { name: 'web', protocol: 'HTTP', loadbalancer_id: lb.id });
    api.seed('listeners', { name: 'front', protocol: 'HTTP', protocol_port: 80, loadbalancer_id: lb.id, default_pool_id: pool.id });
    let calls = 0;
    // The second frame sees a member that was added after the first.
    const fetchWithChange: typeof fetch = async (input, init) => {
      if (String(input).includes('/status') && ++calls === 2) api.seed('members', { pool_id: pool.id, address: '10.0.0.7', protocol_port: 80 });
      return api.fetch(input, init);
    };
    const run = await runCli(['status', 'demo', '--watch', '--interval', '0.1', '--count', '2'], fetchWithChange);
    assert.equal(run.code, 0, run.stderr);
    const frames = run.stdout.split(/^elbow status — .* — every 0\.1 s, Ctrl-C stops$/m).slice(1);
    assert.equal(frames.length, 2, run.stdout);
    assert.doesNotMatch(frames[0] ?? '', /10\.0\.0\.7/);
    assert.match(frames[1] ?? '', /member 10\.0\.0\.7:80/);
    const bad = await runCli(['status', '--watch', '--interval', 'x'], api.fetch);
    assert.equal(bad.code, 1);
  });
});
