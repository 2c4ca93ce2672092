// keepalived's configuration from the load balancers placed on a node: one VRRP instance per
// placement group (no zone: every node; the node's zone: its nodes), movable VIPs only, elbow's
// /healthz tracked. Where keepalived and network namespaces are at hand, `keepalived -t` accepts it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DEFAULT_VRRP, isMovable, renderKeepalivedConfig, vipGroups, zoneRouterId } from '../../../src/serve/keepalived/keepalived-config.js';
import type { Snapshot } from '../../../src/snapshot/snapshot.js';
import { makeListener } from '../dataplane/support.js';

const run = promisify(execFile);

function placed(): Snapshot {
  const listener = (id: string, address: string, availabilityZone: string | null) => makeListener({ id, port: 80, address, availabilityZone });
  return {
    revision: 3,
    pools: {},
    listeners: [
      listener('a', '10.0.0.20', null),
      listener('b', '10.0.0.20', null),
      listener('c', '2001:db8::20', null),
      listener('d', '10.0.0.5', null),
      listener('e', '10.1.0.7', 'az1'),
      listener('f', '127.0.1.1', null),
      listener('g', '0.0.0.0', null),
    ],
  };
}

const input = (overrides: Partial<Parameters<typeof renderKeepalivedConfig>[0]> = {}) => ({
  node: 'n1',
  settings: { ...DEFAULT_VRRP, interface: 'eth0' },
  groups: vipGroups(placed(), 'az1', 51),
  healthCheck: '/usr/bin/curl -fsS -m 1 -o /dev/null http://127.0.0.1:9876/healthz',
  scriptUser: 'root',
  ...overrides,
});

describe('keepalived configuration', () => {
  it('groups the movable VIPs placed on the node: no zone in `all`, its zone in its own', () => {
    assert.deepStrictEqual(vipGroups(placed(), 'az1', 51), [
      { name: 'all', instance: 'elbow_all', routerId: 51, addresses: ['10.0.0.20', '10.0.0.5', '2001:db8::20'] },
      { name: 'az1', instance: 'elbow_az_az1', routerId: zoneRouterId('az1', 51), addresses: ['10.1.0.7'] },
    ]);
    assert.deepStrictEqual(vipGroups(placed(), null, 51).map((group) => group.name), ['all', 'az1'], 'a node bound to no zone takes part in each zone it serves');
    assert.deepStrictEqual(vipGroups({ ...placed(), listeners: [] }, null, 51).map((group) => group.name), ['all']);
    for (const address of ['127.0.1.1', '0.0.0.0', '::', '::1']) assert.equal(isMovable(address), false, address);
  });

  it("a zone's router id is the same on every node and never the `all` group's", () => {
    for (const zone of ['az1', 'az2', 'eu-west-1a', 'x']) {
      for (const base of [1, 51, 254, 255]) {
        const id = zoneRouterId(zone, base);
        assert.ok(id >= 1 && id <= 255 && id !== base, `${zone} on ${base}: ${id}`);
      }
    }
    assert.equal(zoneRouterId('az1', 51), zoneRouterId('az1', 51));
  });

  it('renders one instance per group with VIPs, tracking elbow health; IPv6 VIPs move unannounced', () => {
    const config = renderKeepalivedConfig(input());
    assert.match(config, /vrrp_script elbow_health \{\n {2}script "\/usr\/bin\/curl -fsS -m 1 -o \/dev\/null http:\/\/127\.0\.0\.1:9876\/healthz"\n {2}interval 1\n {2}timeout 2\n {2}fall 2\n {2}rise 1\n {2}init_fail\n\}/);
    assert.match(config, /vrrp_instance elbow_all \{\n {2}state BACKUP\n {2}interface eth0\n {2}virtual_router_id 51\n {2}priority 100\n {2}advert_int 1\n {2}track_script \{\n {4}elbow_health\n {2}\}\n {2}virtual_ipaddress \{\n {4}10\.0\.0\.20\/32 dev eth0\n {4}10\.0\.0\.5\/32 dev eth0\n {2}\}\n {2}virtual_ipaddress_excluded \{\n {4}2001:db8::20\/128 dev eth0\n {2}\}\n\}/);
    assert.match(config, /vrrp_instance elbow_az_az1 \{[^}]*virtual_router_id \d+/);
    assert.doesNotMatch(config, /127\.0\.1\.1|0\.0\.0\.0|nopreempt|unicast_peer/);
  });

  it('nopreempt, unicast peers and priority as configured; no instance for a group without VIPs', () => {
    const settings = { ...DEFAULT_VRRP, interface: 'bond0', priority: 150, advertIntervalSeconds: 0.5, peers: ['10.0.0.2', '10.0.0.3'], nopreempt: true };
    const config = renderKeepalivedConfig(input({ settings, groups: vipGroups({ revision: 1, pools: {}, listeners: [] }, 'az1', 51) }));
    assert.doesNotMatch(config, /vrrp_instance/);
    const full = renderKeepalivedConfig(input({ settings }));
    assert.match(full, /priority 150\n {2}advert_int 0\.5\n {2}nopreempt\n {2}unicast_peer \{\n {4}10\.0\.0\.2\n {4}10\.0\.0\.3\n {2}\}/);
  });

  it('keepalived -t accepts it (in a network namespace of its own)', async (t) => {
    const ns = `elbowkc${randomBytes(3).toString('hex')}`;
    try {
      await run('keepalived', ['--version']);
      await run('ip', ['netns', 'add', ns]);
    } catch (error) {
      t.skip(`needs keepalived and permission to create network namespaces: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'elbow-keepalived-'));
    try {
      await run('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
      for (const config of [renderKeepalivedConfig(input()), renderKeepalivedConfig(input({ groups: [] }))]) {
        await writeFile(join(dir, 'keepalived.conf'), config);
        await run('ip', ['netns', 'exec', ns, 'keepalived', '--config-test', '--use-file', join(dir, 'keepalived.conf')]);
      }
    } finally {
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
