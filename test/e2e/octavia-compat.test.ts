// Octavia behaviours the tools people run depend on (issue 11), against a real `elbow serve`:
// deleting a listener's default pool (Terraform deletes pools first) and what the listener then
// does with traffic, a load balancer with children refused with a 400, a fully populated load
// balancer in one call, the batch member update, sorted lists, and the `statuses` alias.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';
import { exchange, freePort, startNameServer, startServer, type TestServer } from '../unit/dataplane/support.js';

const V2 = '/v2/lbaas';
/** A loopback VIP other tests running alongside are unlikely to use. */
const randomVip = () => `127.0.${100 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 250)}`;

let elbow: ElbowProcess;
const servers: TestServer[] = [];
before(async () => {
  elbow = await startElbow();
});
after(async () => {
  for (const server of servers) await server.close();
  await elbow?.stop();
});

async function created(path: string, kind: string, body: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON
  const answer = await elbow.api('POST', `${V2}/${path}`, { [kind]: body });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body[kind];
}

/** An HTTP member answering `hello` to everything. */
async function httpMember(): Promise<TestServer> {
  const server = await startServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello'));
  });
  servers.push(server);
  return server;
}

/** An HTTP member answering its name to everything. */
async function namedHttpMember(name: string): Promise<TestServer> {
  const server = await startServer((socket) => {
    socket.once('data', () => socket.end(`HTTP/1.1 200 OK\r\ncontent-length: ${name.length}\r\nconnection: close\r\n\r\n${name}`));
  });
  servers.push(server);
  return server;
}

/** curl's body for a GET. */
async function curlBody(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)('curl', ['-sf', '--max-time', '10', url]);
  return stdout;
}

/** curl's status code for a GET. */
async function curlStatus(url: string): Promise<string> {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10', url]);
  return stdout;
}

describe('Octavia compatibility', { timeout: 120_000 }, () => {
  it("deletes a listener's default pool: the listener keeps running, HTTP answers 503 and TCP resets, as Octavia", async () => {
    const vip = randomVip();
    const lb = await created('loadbalancers', 'loadbalancer', { name: 'default-pool', vip_address: vip });
    const [httpPort, tcpPort] = [await freePort(), await freePort()];
    const http = await created('listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: httpPort });
    const tcp = await created('listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: tcpPort });
    const httpPool = await created('pools', 'pool', { listener_id: http.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    const tcpPool = await created('pools', 'pool', { listener_id: tcp.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
    const [web, named] = [await httpMember(), await startNameServer('member')];
    servers.push(named);
    await created(`pools/${httpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: web.port });
    await created(`pools/${tcpPool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: named.port });
    assert.equal(await curlStatus(`http://${vip}:${httpPort}/`), '200');
    assert.equal((await exchangeWith(vip, tcpPort)).reply, 'member');

    // Terraform's order: the pools go before their listeners.
    assert.equal((await elbow.api('DELETE', `${V2}/pools/${httpPool.id}`)).status, 204);
    assert.equal((await elbow.api('DELETE', `${V2}/pools/${tcpPool.id}`)).status, 204);
    for (const listener of [http, tcp]) {
      const shown = (await elbow.api('GET', `${V2}/listeners/${listener.id}`)).body.listener;
      assert.equal(shown.default_pool_id, null);
      assert.equal(shown.provisioning_status, 'ACTIVE');
    }
    assert.equal(await curlStatus(`http://${vip}:${httpPort}/`), '503');
    const refused = await exchangeWith(vip, tcpPort);
    assert.equal(refused.reply, '');
    assert.match(String(refused.error), /ECONNRESET/);

    assert.equal((await elbow.api('DELETE', `${V2}/listeners/${http.id}`)).status, 204);
    assert.equal((await elbow.api('DELETE', `${V2}/listeners/${tcp.id}`)).status, 204);
    assert.equal((await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}`)).status, 204);
  });

  it('refuses to delete a load balancer with children with a 400, and a pool a policy redirects to with a 409', async () => {
    const lb = await created('loadbalancers', 'loadbalancer', { vip_address: randomVip() });
    const listener = await created('listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'HTTP', protocol_port: await freePort() });
    const target = await created('pools', 'pool', { loadbalancer_id: lb.id, protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    const policy = await created('l7policies', 'l7policy', { listener_id: listener.id, action: 'REDIRECT_TO_POOL', redirect_pool_id: target.id });
    const refused = await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}`);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { faultcode: 'Client', faultstring: `Validation failure: Cannot delete Load Balancer ${lb.id} - it has children`, code: 'LOADBALANCER_HAS_CHILDREN' });
    const inUse = await elbow.api('DELETE', `${V2}/pools/${target.id}`);
    assert.equal(inUse.status, 409);
    assert.match(inUse.body.faultstring, new RegExp(policy.id));
    assert.equal((await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}?cascade=true`)).status, 204);
  });

  it('creates a fully populated load balancer in one call that serves at once, and syncs a pool with a batch member update', async () => {
    const vip = randomVip();
    const port = await freePort();
    const [one, two, three] = [await namedHttpMember('one'), await namedHttpMember('two'), await namedHttpMember('three')];
    const answer = await elbow.api('POST', `${V2}/loadbalancers`, {
      loadbalancer: {
        name: 'graph',
        vip_address: vip,
        listeners: [{ name: 'web', protocol: 'HTTP', protocol_port: port, default_pool: { name: 'app' } }],
        pools: [{ name: 'app', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', members: [{ address: '127.0.0.1', protocol_port: one.port }] }],
      },
    });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const lb = answer.body.loadbalancer;
    assert.equal(lb.listeners[0].name, 'web', 'answered in full');
    const pool = lb.pools[0];
    assert.equal(pool.members[0].protocol_port, one.port);
    assert.equal(await curlBody(`http://${vip}:${port}/`), 'one');

    // cloud-provider-openstack's sync: the whole list, in one PUT; 202 and no body, as Octavia.
    const batch = await elbow.api('PUT', `/v2.0/lbaas/pools/${pool.id}/members`, {
      members: [{ address: '127.0.0.1', protocol_port: two.port }, { address: '127.0.0.1', protocol_port: three.port }],
    });
    assert.equal(batch.status, 202, JSON.stringify(batch.body));
    assert.equal(batch.body, null);
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add(await curlBody(`http://${vip}:${port}/`));
    assert.deepEqual([...seen].sort(), ['three', 'two'], 'the old member is gone, the new ones serve');
    const additive = await elbow.api('PUT', `${V2}/pools/${pool.id}/members?additive_only=true`, { members: [{ address: '127.0.0.1', protocol_port: one.port }] });
    assert.equal(additive.status, 202);
    assert.equal((await elbow.api('GET', `${V2}/pools/${pool.id}/members`)).body.members.length, 3);
    const bad = await elbow.api('PUT', `${V2}/pools/${pool.id}/members`, { members: [{ address: 'not-an-ip', protocol_port: 1 }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'CIDR_INVALID');
    assert.equal((await elbow.api('PUT', `${V2}/pools/${pool.id}/members`, { member: {} })).status, 400);
    assert.equal((await elbow.api('PUT', `${V2}/pools/nope/members`, { members: [] })).status, 404);

    // All or nothing: a conflicting listener leaves no load balancer behind.
    const refused = await elbow.api('POST', `${V2}/loadbalancers`, {
      loadbalancer: { name: 'half', vip_address: randomVip(), listeners: [{ protocol: 'HTTP', protocol_port: port }, { protocol: 'TCP', protocol_port: port }] },
    });
    assert.equal(refused.status, 409);
    assert.deepEqual((await elbow.api('GET', `${V2}/loadbalancers?name=half`)).body.loadbalancers, []);
    assert.equal((await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}?cascade=true`)).status, 204);
  });

  it('quotas per project (X-Project-Id), providers and their capabilities, over HTTP', async () => {
    const providers = await elbow.api('GET', `${V2}/providers`);
    assert.deepEqual(providers.body.providers.map((p: { name: string }) => p.name), ['elbow', 'octavia', 'amphora']);
    const capabilities = await elbow.api('GET', `/v2.0/lbaas/providers/octavia/flavor_capabilities`);
    assert.ok(capabilities.body.flavor_capabilities.some((c: { name: string }) => c.name === 'connection_limit'));
    assert.deepEqual((await elbow.api('GET', `${V2}/providers/elbow/availability_zone_capabilities?fields=name`)).body.availability_zone_capabilities, [{ name: 'vip_range' }]);
    assert.equal((await elbow.api('GET', `${V2}/providers/f5/flavor_capabilities`)).body.code, 'PROVIDER_NOT_ENABLED');

    const defaults = await elbow.api('GET', `${V2}/quotas/defaults`);
    assert.equal(defaults.body.quota.load_balancer, -1);
    const project = `project-${Math.random().toString(16).slice(2)}`;
    const set = await elbow.api('PUT', `${V2}/quotas/${project}`, { quota: { load_balancer: 1 } });
    assert.equal(set.status, 202);
    assert.deepEqual([set.body.quota.loadbalancer, set.body.quota.project_id], [1, project]);
    assert.equal((await elbow.api('GET', `${V2}/quotas/${project}`)).body.quota.load_balancer, 1);
    assert.ok((await elbow.api('GET', `${V2}/quotas`)).body.quotas.some((q: { project_id: string }) => q.project_id === project));
    const asProject = (body: unknown) =>
      fetch(new URL(`${V2}/loadbalancers`, elbow.url), {
        method: 'POST',
        headers: { 'x-auth-token': elbow.token, 'content-type': 'application/json', 'x-project-id': project },
        body: JSON.stringify(body),
      });
    const first = await asProject({ loadbalancer: { vip_address: randomVip() } });
    assert.equal(first.status, 201);
    const lb = ((await first.json()) as { loadbalancer: { id: string; project_id: string } }).loadbalancer;
    assert.equal(lb.project_id, project);
    const second = await asProject({ loadbalancer: { vip_address: randomVip() } });
    assert.equal(second.status, 403);
    assert.deepEqual(await second.json(), { faultcode: 'Client', faultstring: 'Quota has been met for resources: Load Balancer', code: 'QUOTA_EXCEEDED' });
    assert.deepEqual((await elbow.api('GET', `${V2}/loadbalancers?project_id=${project}`)).body.loadbalancers.map((l: { id: string }) => l.id), [lb.id]);
    assert.equal((await elbow.api('DELETE', `${V2}/quotas/${project}`)).status, 202);
    assert.equal((await asProject({ loadbalancer: { vip_address: randomVip() } })).status, 201, 'back to unlimited');
    assert.equal((await elbow.api('POST', `${V2}/quotas`, { quota: {} })).status, 405, 'quotas are set, not created');
  });

  it("applies a flavor's listener defaults to real traffic, and allocates VIPs from an availability zone's range", async (t) => {
    const profile = await created('flavorprofiles', 'flavorprofile', { name: 'one-at-a-time', provider_name: 'elbow', flavor_data: '{"connection_limit": 1}' });
    const flavor = await created('flavors', 'flavor', { name: `single-${profile.id}`, flavor_profile_id: profile.id });
    const lb = await created('loadbalancers', 'loadbalancer', { vip_address: randomVip(), flavor_id: flavor.id });
    const port = await freePort();
    const echo = await startServer((socket) => socket.pipe(socket));
    servers.push(echo);
    await created('listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TCP',
      protocol_port: port,
      default_pool: { protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', members: [{ address: '127.0.0.1', protocol_port: echo.port }] },
    });
    // The flavor's connection_limit 1: a second connection while the first is open is refused.
    const first = connect({ host: lb.vip_address, port });
    t.after(() => first.destroy());
    first.write('one');
    assert.equal(String(await once(first, 'data')), 'one');
    const second = await exchangeWith(lb.vip_address, port);
    assert.equal(second.reply, '', 'refused beyond the flavor connection limit');
    first.destroy();
    assert.equal((await elbow.api('DELETE', `${V2}/flavors/${flavor.id}`)).status, 409, 'in use');
    assert.equal((await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}?cascade=true`)).status, 204);
    assert.equal((await elbow.api('DELETE', `${V2}/flavors/${flavor.id}`)).status, 204);
    assert.equal((await elbow.api('DELETE', `${V2}/flavorprofiles/${profile.id}`)).status, 204);

    const zoneProfile = await created('availabilityzoneprofiles', 'availability_zone_profile', {
      name: 'rack',
      provider_name: 'elbow',
      availability_zone_data: '{"vip_range": "127.0.88.10-127.0.88.20"}',
    });
    const zoneName = `zone-${zoneProfile.id.slice(0, 8)}`;
    await created('availabilityzones', 'availability_zone', { name: zoneName, availability_zone_profile_id: zoneProfile.id });
    assert.equal((await elbow.api('GET', `${V2}/availabilityzones/${zoneName}`)).body.availability_zone.availability_zone_profile_id, zoneProfile.id);
    const inZone = await created('loadbalancers', 'loadbalancer', { vip_subnet_id: 'any', availability_zone: zoneName });
    assert.match(inZone.vip_address, /^127\.0\.88\.(1\d|20)$/);
    const unknown = await elbow.api('POST', `${V2}/loadbalancers`, { loadbalancer: { vip_subnet_id: 'any', availability_zone: 'nowhere' } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'OPTION_UNKNOWN');
    assert.equal((await elbow.api('DELETE', `${V2}/loadbalancers/${inZone.id}`)).status, 204);
    assert.equal((await elbow.api('DELETE', `${V2}/availabilityzones/${zoneName}`)).status, 204);
  });

  it('failover: a listener whose port was taken serves once the port is free and the load balancer failed over', async () => {
    const vip = randomVip();
    const port = await freePort();
    // Another program holds the VIP's port: the listener is stored but cannot be served.
    const squatter = await new Promise<Server>((resolve, reject) => {
      const server = createServer((socket) => socket.end('squatter'));
      server.once('error', reject);
      server.listen(port, vip, () => resolve(server));
    });
    const named = await startNameServer('served');
    servers.push(named);
    const lb = await created('loadbalancers', 'loadbalancer', { vip_address: vip });
    const listener = await created('listeners', 'listener', {
      loadbalancer_id: lb.id,
      protocol: 'TCP',
      protocol_port: port,
      default_pool: { protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN', members: [{ address: '127.0.0.1', protocol_port: named.port }] },
    });
    assert.equal(listener.provisioning_status, 'ERROR');
    assert.match(listener.provisioning_status_reason, /EADDRINUSE/);
    const amphorae = (await elbow.api('GET', `/v2/octavia/amphorae?loadbalancer_id=${lb.id}`)).body.amphorae;
    assert.deepEqual(amphorae.map((a: { status: string; ha_ip: string }) => [a.status, a.ha_ip]), [['ERROR', vip]]);

    await new Promise((resolve) => squatter.close(resolve));
    const failover = await elbow.api('PUT', `${V2}/loadbalancers/${lb.id}/failover`);
    assert.equal(failover.status, 202);
    assert.equal(failover.body, null);
    assert.equal((await elbow.api('GET', `${V2}/listeners/${listener.id}`)).body.listener.provisioning_status, 'ACTIVE');
    assert.equal((await exchangeWith(vip, port)).reply, 'served');
    const amphora = (await elbow.api('GET', `/v2.0/octavia/amphorae/${amphorae[0].id}`)).body.amphora;
    assert.equal(amphora.status, 'ALLOCATED');
    assert.equal((await elbow.api('PUT', `/v2/octavia/amphorae/${amphora.id}/failover`)).status, 202);
    assert.equal((await exchangeWith(vip, port)).reply, 'served', 'still serving after an amphora failover');
    const stats = (await elbow.api('GET', `/v2/octavia/amphorae/${amphora.id}/stats`)).body.amphora_stats;
    assert.equal(stats[0].listener_id, listener.id);
    assert.ok(stats[0].total_connections >= 2, JSON.stringify(stats));
    assert.equal((await elbow.api('PUT', `${V2}/loadbalancers/nope/failover`)).status, 404);
    assert.equal((await elbow.api('PUT', `/v2/octavia/amphorae/nope/failover`)).status, 404);
    assert.equal((await elbow.api('DELETE', `${V2}/loadbalancers/${lb.id}?cascade=true`)).status, 204);
    assert.deepEqual((await elbow.api('GET', `/v2/octavia/amphorae?loadbalancer_id=${lb.id}`)).body.amphorae, []);
  });

  it('sorts lists (sort, sort_key/sort_dir) and answers 400 for an unknown key; statuses is the status tree', async () => {
    const made = [];
    for (const name of ['sort-b', 'sort-c', 'sort-a']) made.push(await created('loadbalancers', 'loadbalancer', { name, vip_address: randomVip(), tags: ['sorting'] }));
    const names = async (query: string) => {
      const answer = await elbow.api('GET', `${V2}/loadbalancers?tags=sorting&${query}`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.loadbalancers.map((lb: { name: string }) => lb.name);
    };
    assert.deepEqual(await names(''), ['sort-b', 'sort-c', 'sort-a']);
    assert.deepEqual(await names('sort=name:asc'), ['sort-a', 'sort-b', 'sort-c']);
    assert.deepEqual(await names('sort_key=name&sort_dir=desc'), ['sort-c', 'sort-b', 'sort-a']);
    const unknown = await elbow.api('GET', `${V2}/loadbalancers?sort=colour`);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'INVALID_SORT_KEY');
    assert.equal(unknown.body.faultstring, "Supplied sort key 'colour' is not valid.");
    assert.equal((await elbow.api('GET', `${V2}/loadbalancers?sort=name:sideways`)).body.code, 'INVALID_SORT_DIRECTION');

    const lb = made[0] as { id: string };
    const statuses = await elbow.api('GET', `/v2.0/lbaas/loadbalancers/${lb.id}/statuses`);
    assert.equal(statuses.status, 200);
    assert.deepEqual(statuses.body, (await elbow.api('GET', `${V2}/loadbalancers/${lb.id}/status`)).body);
    assert.equal(statuses.body.statuses.loadbalancer.id, lb.id);
    assert.equal((await elbow.api('GET', `${V2}/loadbalancers/nope/statuses`)).status, 404);
    for (const { id } of made) assert.equal((await elbow.api('DELETE', `${V2}/loadbalancers/${id}`)).status, 204);
  });
});

/** exchange() towards a VIP other than 127.0.0.1. */
function exchangeWith(host: string, port: number): Promise<{ reply: string; error: Error | null }> {
  return exchange(port, '', true, host);
}
