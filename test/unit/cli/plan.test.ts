import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../../src/cli/cli-error.js';
import type { ApiObject } from '../../../src/cli/api-client.js';
import { parseDesired } from '../../../src/cli/apply/desired-config.js';
import { describeAction, plan, subsetEqual, summarize, type Action } from '../../../src/cli/apply/plan.js';
import type { ActualLoadBalancer, ActualState } from '../../../src/cli/apply/state.js';

let seq = 0;
const res = (fields: Record<string, unknown>): ApiObject => ({ id: `id-${++seq}`, provisioning_status: 'ACTIVE', operating_status: 'ONLINE', ...fields });
const desired = (yaml: string) => parseDesired(yaml, '/nonexistent');
const lines = (actions: Action[]) => actions.map(describeAction);
const empty: ActualState = { certificates: [], ipgroups: [], loadbalancers: [] };

/** A running `demo` load balancer: pool web (two members, HTTP monitor), listener HTTP:80 → web with one policy. */
function demoActual(): { actual: ActualState; ids: Record<string, string> } {
  const lb = res({ name: 'demo', vip_address: '127.0.1.10' });
  const web = res({ name: 'web', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', loadbalancer_id: lb.id, session_persistence: null });
  const api = res({ name: 'api', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', loadbalancer_id: lb.id });
  const m1 = res({ address: '10.0.0.1', protocol_port: 80, weight: 1, name: '', pool_id: web.id });
  const m2 = res({ address: '10.0.0.2', protocol_port: 80, weight: 1, name: '', pool_id: web.id });
  const hm = res({ type: 'HTTP', delay: 5, timeout: 3, max_retries: 3, url_path: '/health', pool_id: web.id });
  const listener = res({ name: 'front', protocol: 'HTTP', protocol_port: 80, loadbalancer_id: lb.id, default_pool_id: web.id, connection_limit: -1 });
  const policy = res({ name: 'to-api', action: 'REDIRECT_TO_POOL', redirect_pool_id: api.id, position: 1, listener_id: listener.id });
  const rule = res({ type: 'PATH', compare_type: 'STARTS_WITH', key: null, value: '/api', invert: false });
  const tree: ActualLoadBalancer = {
    resource: lb,
    listeners: [{ resource: listener, l7policies: [{ resource: policy, rules: [rule] }] }],
    pools: [
      { resource: web, members: [m1, m2], healthmonitor: hm },
      { resource: api, members: [] },
    ],
  };
  return {
    actual: { certificates: [], ipgroups: [], loadbalancers: [tree] },
    ids: { lb: lb.id, web: web.id, api: api.id, m1: m1.id, m2: m2.id, hm: hm.id, listener: listener.id, policy: policy.id, rule: rule.id },
  };
}

const DEMO = `
loadbalancers:
  - name: demo
    vip_address: 127.0.1.10
    pools:
      - name: web
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
        members:
          - address: 10.0.0.1
          - address: 10.0.0.2
            protocol_port: 80
        healthmonitor: {type: HTTP, delay: 5, timeout: 3, max_retries: 3, url_path: /health}
      - name: api
        protocol: HTTP
        lb_algorithm: ROUND_ROBIN
    listeners:
      - protocol: HTTP
        protocol_port: 80
        name: front
        default_pool: web
        l7policies:
          - name: to-api
            action: REDIRECT_TO_POOL
            redirect_pool: api
            rules:
              - {type: PATH, compare_type: STARTS_WITH, value: /api}
`;

describe('apply planner', () => {
  it('creates everything, parents first, from nothing', () => {
    const file = `
certificates:
  - {name: site, certificate: "-----BEGIN CERTIFICATE-----\\nA\\n-----END CERTIFICATE-----", private_key: "k"}
ipgroups:
  - {name: office, ip_list: [192.0.2.0/24]}
${DEMO}`;
    const actions = plan(desired(file), empty, { prune: false });
    assert.deepEqual(lines(actions), [
      '+ certificate site',
      '+ ipgroup office',
      '+ loadbalancer demo',
      '+ pool demo/web',
      '+ member demo/web/10.0.0.1:80',
      '+ member demo/web/10.0.0.2:80',
      '+ healthmonitor demo/web/healthmonitor',
      '+ pool demo/api',
      '+ listener demo/HTTP:80',
      '+ l7policy demo/HTTP:80/to-api',
      '+ l7rule demo/HTTP:80/to-api/PATH STARTS_WITH /api',
    ]);
    const listener = actions.find((a) => a.op === 'create' && a.node.kind === 'listener');
    assert.ok(listener?.op === 'create');
    assert.deepEqual(listener.node.refs, { default_pool_id: 'pool:demo/web' });
    assert.deepEqual(listener.node.parent, { ref: 'loadbalancer:demo', field: 'loadbalancer_id' });
    const member = actions.find((a) => a.op === 'create' && a.node.kind === 'member');
    assert.ok(member?.op === 'create');
    assert.deepEqual(member.node.parent, { ref: 'pool:demo/web' });
    assert.equal(member.node.fields.protocol_port, 80, 'HTTP pools default members to port 80');
  });

  it('plans nothing when the API already matches, ignoring fields the file does not set', () => {
    const { actual } = demoActual();
    assert.deepEqual(plan(desired(DEMO), actual, { prune: false }), []);
  });

  it('updates only the changed fields, showing old → new', () => {
    const { actual, ids } = demoActual();
    const actions = plan(desired(DEMO.replace('- address: 10.0.0.1', '- address: 10.0.0.1\n            weight: 5').replace('delay: 5', 'delay: 10')), actual, { prune: false });
    assert.deepEqual(lines(actions), ['~ member demo/web/10.0.0.1:80 weight 1→5', '~ healthmonitor demo/web/healthmonitor delay 5→10']);
    const [member] = actions;
    assert.ok(member?.op === 'update');
    assert.equal(member.id, ids.m1);
    assert.equal(member.parentId, ids.web);
    assert.deepEqual(member.body, { weight: 5 });
  });

  it('changes a reference by name', () => {
    const { actual, ids } = demoActual();
    const actions = plan(desired(DEMO.replace('default_pool: web', 'default_pool: api')), actual, { prune: false });
    assert.deepEqual(lines(actions), ['~ listener demo/HTTP:80 default_pool_id demo/web→demo/api']);
    const [update] = actions;
    assert.ok(update?.op === 'update');
    assert.equal(update.id, ids.listener);
    assert.deepEqual(update.body, {});
    assert.deepEqual(update.refs, { default_pool_id: 'pool:demo/api' });
  });

  it('points at a pool created in the same run: the pool is created before the update', () => {
    const { actual } = demoActual();
    const file = DEMO.replace('default_pool: web', 'default_pool: new').replace('      - name: api\n', '      - name: new\n        protocol: HTTP\n        lb_algorithm: ROUND_ROBIN\n      - name: api\n');
    assert.deepEqual(lines(plan(desired(file), actual, { prune: false })), ['+ pool demo/new', '~ listener demo/HTTP:80 default_pool_id demo/web→demo/new']);
  });

  it('deletes what left the file: listeners (children first) before creates, pools and members after updates', () => {
    const { actual, ids } = demoActual();
    const file = `
loadbalancers:
  - name: demo
    pools:
      - name: web
        members:
          - {address: 10.0.0.1, protocol_port: 80, weight: 2}
    listeners:
      - {protocol: TCP, protocol_port: 80}
`;
    const actions = plan(desired(file), actual, { prune: false });
    assert.deepEqual(lines(actions), [
      '- l7rule demo/HTTP:80/to-api/PATH STARTS_WITH /api',
      '- l7policy demo/HTTP:80/to-api',
      '- listener demo/HTTP:80',
      '+ listener demo/TCP:80',
      '~ member demo/web/10.0.0.1:80 weight 1→2',
      '- healthmonitor demo/web/healthmonitor',
      '- member demo/web/10.0.0.2:80',
      '- pool demo/api',
    ]);
    const rule = actions[0];
    assert.ok(rule?.op === 'delete');
    assert.equal(rule.id, ids.rule);
    assert.equal(rule.parentId, ids.policy, 'rules are deleted under their policy');
  });

  it('lets a kept listener go of a default pool that is being deleted when the file names none', () => {
    const { actual } = demoActual();
    const file = `
loadbalancers:
  - name: demo
    listeners:
      - {protocol: HTTP, protocol_port: 80, name: front}
`;
    const actions = plan(desired(file), actual, { prune: false });
    const update = actions.find((a) => a.op === 'update');
    assert.ok(update?.op === 'update');
    assert.equal(describeAction(update), '~ listener demo/HTTP:80 default_pool_id demo/web→(none)');
    assert.deepEqual(update.body, { default_pool_id: null });
    assert.ok(actions.indexOf(update) < actions.findIndex((a) => a.op === 'delete' && a.kind === 'pool'));
  });

  it('leaves load balancers, certificates and IP groups outside the file alone unless --prune', () => {
    const { actual, ids } = demoActual();
    const withExtras: ActualState = { ...actual, certificates: [res({ name: 'old-cert' })], ipgroups: [res({ name: 'old-group', ip_list: [] })] };
    const onlyOther = desired('loadbalancers:\n  - name: other\n');
    assert.deepEqual(lines(plan(onlyOther, withExtras, { prune: false })), ['+ loadbalancer other']);
    const pruned = plan(onlyOther, withExtras, { prune: true });
    assert.deepEqual(lines(pruned), ['+ loadbalancer other', '- loadbalancer demo (with everything under it)', '- ipgroup old-group', '- certificate old-cert']);
    const lbDelete = pruned[1];
    assert.ok(lbDelete?.op === 'delete');
    assert.equal(lbDelete.id, ids.lb);
    assert.equal(lbDelete.cascade, true);
  });

  it('replaces a health monitor whose type changes (delete, then create)', () => {
    const { actual } = demoActual();
    const actions = plan(desired(DEMO.replace('type: HTTP, delay', 'type: TCP, delay').replace(', url_path: /health', '')), actual, { prune: false });
    assert.deepEqual(lines(actions), ['- healthmonitor demo/web/healthmonitor (replaced: type HTTP→TCP)', '+ healthmonitor demo/web/healthmonitor']);
  });

  it('refuses to change a create-only field of a pool or load balancer', () => {
    const { actual } = demoActual();
    assert.throws(() => plan(desired(DEMO.replace('vip_address: 127.0.1.10', 'vip_address: 127.0.1.11')), actual, { prune: false }), (err: unknown) => {
      assert.ok(err instanceof CliError);
      assert.match(err.message, /loadbalancer demo: vip_address 127\.0\.1\.10→127\.0\.1\.11 cannot change after creation/);
      return true;
    });
  });

  it('refuses when two actual resources answer to one name', () => {
    const { actual } = demoActual();
    const tree = actual.loadbalancers[0];
    assert.ok(tree !== undefined);
    const twin = res({ name: 'api', protocol: 'HTTP', loadbalancer_id: tree.resource.id });
    const doubled: ActualState = { ...actual, loadbalancers: [{ ...tree, pools: [...tree.pools, { resource: twin, members: [] }] }] };
    assert.throws(() => plan(desired(DEMO), doubled, { prune: false }), /pool demo\/api matches 2 resources/);
  });

  it('refuses a reference to something neither in the file nor in the API', () => {
    const { actual } = demoActual();
    assert.throws(() => plan(desired(DEMO.replace('default_pool: web', 'default_pool: nowhere')), actual, { prune: false }), /listener demo\/HTTP:80: default_pool_id names pool demo\/nowhere, which is neither in the file nor in the API/);
    // A certificate the API has but the file does not list is fine.
    const withCert: ActualState = { ...actual, certificates: [res({ name: 'site' })] };
    assert.equal(plan(desired(DEMO.replace('default_pool: web', 'default_pool: web\n        default_certificate: site')), withCert, { prune: false }).length, 1);
  });

  it('creates the children of a new load balancer even if names repeat elsewhere', () => {
    const { actual } = demoActual();
    const actions = plan(desired(DEMO.replace('name: demo', 'name: demo2').replace('vip_address: 127.0.1.10', 'vip_address: 127.0.1.11')), actual, { prune: false });
    assert.equal(actions.length, 9);
    assert.ok(actions.every((a) => a.op === 'create'));
  });

  it('compares certificates by PEM text and sends the private key along when the certificate changes', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n';
    const actual: ActualState = { ...empty, certificates: [res({ name: 'site', type: 'server', certificate: pem.replaceAll('\n', '\r\n') })] };
    const same = desired(`certificates:\n  - {name: site, certificate: ${JSON.stringify(pem)}, private_key: KEY}\n`);
    assert.deepEqual(plan(same, actual, { prune: false }), []);
    const changed = desired(`certificates:\n  - {name: site, certificate: ${JSON.stringify(pem.replace('AAA', 'BBB'))}, private_key: KEY}\n`);
    const [update] = plan(changed, actual, { prune: false });
    assert.ok(update?.op === 'update');
    assert.equal(describeAction(update), '~ certificate site certificate changed');
    assert.deepEqual(Object.keys(update.body).sort(), ['certificate', 'private_key']);
  });

  it('maps a listener ipgroup by name and compares it with the API shape', () => {
    const group = res({ name: 'office', ip_list: [{ ip: '192.0.2.0/24', description: '' }] });
    const lb = res({ name: 'demo' });
    const listener = res({ protocol: 'TCP', protocol_port: 22, loadbalancer_id: lb.id, ipgroup: { ipgroup_id: group.id, enable_ipgroup: true, type: 'white' } });
    const actual: ActualState = { certificates: [], ipgroups: [group], loadbalancers: [{ resource: lb, listeners: [{ resource: listener, l7policies: [] }], pools: [] }] };
    const file = (type: string) => `
ipgroups:
  - {name: office, ip_list: [192.0.2.0/24]}
loadbalancers:
  - name: demo
    listeners:
      - {protocol: TCP, protocol_port: 22, ipgroup: {name: office, type: ${type}}}
`;
    assert.deepEqual(plan(desired(file('white')), actual, { prune: false }), []);
    const [update] = plan(desired(file('black')), actual, { prune: false });
    assert.ok(update?.op === 'update');
    assert.equal(describeAction(update), '~ listener demo/TCP:22 ipgroup.type white→black');
    assert.deepEqual(update.body, { ipgroup: { enable_ipgroup: true, type: 'black' } });
    assert.deepEqual(update.refs, { 'ipgroup.ipgroup_id': 'ipgroup:office' });
  });

  it('summarizes', () => {
    assert.equal(summarize([]), 'no changes');
    const { actual } = demoActual();
    const actions = plan(desired('loadbalancers:\n  - name: demo\n    pools:\n      - name: extra\n'), actual, { prune: false });
    assert.equal(summarize(actions), '1 to create, 0 to update, 8 to delete');
    assert.equal(summarize(actions, true), '1 created, 0 updated, 8 deleted');
  });
});

describe('subsetEqual', () => {
  it('compares only the keys the desired object has, arrays by length and element', () => {
    assert.ok(subsetEqual({ type: 'SOURCE_IP' }, { type: 'SOURCE_IP', cookie_name: null }));
    assert.ok(!subsetEqual({ type: 'SOURCE_IP' }, null));
    assert.ok(subsetEqual([{ ip: 'a' }], [{ ip: 'a', description: '' }]));
    assert.ok(!subsetEqual([{ ip: 'a' }], [{ ip: 'a' }, { ip: 'b' }]));
    assert.ok(subsetEqual(null, undefined));
    assert.ok(!subsetEqual(1, '1'));
    assert.ok(subsetEqual('x\r\n', 'x'));
  });
});
