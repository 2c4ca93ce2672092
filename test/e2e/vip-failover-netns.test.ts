// High availability for real, in network namespaces this test creates: three elbow nodes on one
// PostgreSQL, each node, the database and a client in a namespace of its own, joined by veth pairs
// to a bridge (10.99.0.0/24). Each node runs keepalived as its supervised child; a load balancer
// without an availability zone (so every node serves it) has VIP 10.99.0.100. A client connects
// through the VIP every 50 ms; each node's member answers with the node's name.
//   1. The highest-priority node holds the VIP and answers.
//   2. It is killed with SIGKILL: another node answers within 3 s (failed requests reported).
//   3. A change made while it is down (a new listener) reaches it when it comes back: it catches
//      up, takes the VIP back (higher priority) and answers on the new listener.
//   4. Its elbow stops answering (SIGSTOP: health checks time out): it gives the VIP up.
// Skipped, with the reason, where namespaces, keepalived or PostgreSQL's server binaries are missing.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { findExecutable } from '../../src/serve/keepalived/executables.js';
import { defined } from '../helpers/defined.js';
import { NetnsLab, netnsUnavailable, type LabHost } from '../helpers/netns-lab.js';
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const TOKEN = 'netns-failover-token';
const VIP = '10.99.0.100';
const API_PORT = 9876;
const MEMBER_PORT = 7000;
const FAILOVER_BOUND_MS = 3000;
const NODES = { n1: 150, n2: 100, n3: 50 } as const;
type NodeName = keyof typeof NODES;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- API JSON

async function whyNot(): Promise<string | undefined> {
  for (const tool of ['keepalived', 'socat', 'curl', 'setpriv']) if ((await findExecutable(tool)) === undefined) return `${tool} is not installed`;
  return (await netnsUnavailable()) ?? privatePostgresUnavailable();
}
const skip = await whyNot();

/** One request through the VIP as the client loop saw it. */
interface Probe {
  at: number;
  port: number;
  ok: boolean;
  /** The node that answered, or why it failed. */
  what: string;
}

/** In the client's namespace: a connection to each target every 50 ms (300 ms bound), one JSON line per answer. */
const CLIENT_LOOP = `
const net = require('node:net');
const targets = process.env.TARGETS.split(',');
setInterval(() => {
  for (const target of targets) {
    const [host, port] = target.split(':');
    const at = Date.now();
    let reply = '';
    let done = false;
    const socket = net.connect({ host, port: Number(port) });
    const finish = (ok, what) => {
      if (done) return;
      done = true;
      socket.destroy();
      process.stdout.write(JSON.stringify({ at, port: Number(port), ok, what }) + '\\n');
    };
    socket.setTimeout(300, () => finish(false, 'timeout'));
    socket.on('data', (chunk) => (reply += chunk));
    socket.on('end', () => finish(reply.trim() !== '', reply.trim() || 'empty answer'));
    socket.on('error', (error) => finish(false, error.code || error.message));
  }
}, 50);
`;

describe('VIP failover between three elbow nodes in network namespaces', { skip, timeout: 180_000 }, () => {
  it('moves the VIP when the master dies, catches the returning node up, gives the VIP up when elbow hangs', async (t) => {
    const { lab, hosts } = await NetnsLab.create({ db: 2, n1: 11, n2: 12, n3: 13, client: 50 });
    const dataDirs: string[] = [];
    const started: { postgres?: PrivatePostgres } = {};
    t.after(async () => {
      await lab.destroy();
      await started.postgres?.destroy();
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    });
    const node = (name: NodeName) => hosts[name] as LabHost;
    const client = hosts.client as LabHost;

    const postgres = await startPrivatePostgres({ host: (hosts.db as LabHost).address, port: 5432, netns: (hosts.db as LabHost).ns });
    started.postgres = postgres;
    for (const name of Object.keys(NODES) as NodeName[]) {
      // A backup binds the VIP before it holds it (as Octavia's amphorae do).
      await lab.exec(node(name).ns, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_nonlocal_bind']);
      // The member, on the node's own loopback: its answer names the node that carried the request.
      lab.spawn(node(name).ns, 'socat', [`TCP-LISTEN:${MEMBER_PORT},bind=127.0.0.1,reuseaddr,fork`, `SYSTEM:echo ${name}`]);
    }

    const running = new Map<NodeName, ChildProcess>();
    const logs = new Map<NodeName, string>();
    const startNode = async (name: NodeName, dataDir: string) => {
      const child = lab.spawn(node(name).ns, process.execPath, [
        '--import', 'tsx', join(REPO_ROOT, 'src/main.ts'), 'serve',
        '--api', `${node(name).address}:${API_PORT}`, '--data-dir', dataDir, '--workers', '0',
        '--store', postgres.url(), '--node-name', name, '--heartbeat-interval', '0.5',
        '--vrrp-interface', 'eth0', '--vrrp-priority', String(NODES[name]),
      ], { cwd: REPO_ROOT, env: { ...process.env, ELBOW_API_TOKEN: TOKEN, ELBOW_LOG_LEVEL: 'info' } });
      running.set(name, child);
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => logs.set(name, ((logs.get(name) ?? '') + chunk.toString()).slice(-20_000)));
      const deadline = Date.now() + 90_000;
      while (!/elbow API listening on/.test(out)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start:\n${(logs.get(name) ?? '').slice(-3000)}`);
        await new Promise((done) => setTimeout(done, 50));
      }
    };
    const dataDirOf = new Map<NodeName, string>();
    await Promise.all(
      (Object.keys(NODES) as NodeName[]).map((name) => {
        const dir = mkdtempSync(join(tmpdir(), `elbow-netns-${name}-`));
        dataDirs.push(dir);
        dataDirOf.set(name, dir);
        return startNode(name, dir);
      }),
    );

    const api = async (via: NodeName, method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
      const args = ['-sS', '-m', '30', '-X', method, '-H', `x-auth-token: ${TOKEN}`, '-w', '\n%{http_code}'];
      if (body !== undefined) args.push('-H', 'content-type: application/json', '--data', JSON.stringify(body));
      args.push(`http://${node(via).address}:${API_PORT}${path}`);
      const { stdout } = await lab.exec(client.ns, 'curl', args);
      const split = stdout.lastIndexOf('\n');
      const text = stdout.slice(0, split);
      return { status: Number(stdout.slice(split + 1)), body: text === '' ? {} : JSON.parse(text) };
    };
    const created = async (via: NodeName, path: string, kind: string, body: Json) => {
      const answer = await api(via, 'POST', path, { [kind]: body });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      return answer.body[kind] as Json;
    };
    const nodes = async (via: NodeName) => Object.fromEntries(((await api(via, 'GET', '/v2/lbaas/nodes')).body.nodes as Json[]).map((each) => [each.name, each]));
    const eventually = async (what: string, check: () => Promise<boolean> | boolean, boundMs = 30_000) => {
      const deadline = Date.now() + boundMs;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
        await new Promise((done) => setTimeout(done, 100));
      }
    };

    // The load balancer, through n2: no zone, so every node serves it and the VIP may move anywhere.
    const lb = await created('n2', '/v2/lbaas/loadbalancers', 'loadbalancer', { name: 'ha', vip_address: VIP });
    const pool = await created('n2', '/v2/lbaas/pools', 'pool', { loadbalancer_id: lb.id, protocol: 'TCP', lb_algorithm: 'ROUND_ROBIN' });
    await created('n2', `/v2/lbaas/pools/${pool.id}/members`, 'member', { address: '127.0.0.1', protocol_port: MEMBER_PORT });
    await created('n2', '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 80, default_pool_id: pool.id });

    const probes: Probe[] = [];
    const loop = lab.spawn(client.ns, process.execPath, ['-e', CLIENT_LOOP], { env: { ...process.env, TARGETS: `${VIP}:80,${VIP}:81` } });
    createInterface({ input: defined(loop.stdout, 'the client loop') }).on('line', (line) => probes.push(JSON.parse(line) as Probe));
    const answeredBy = (name: NodeName, port: number, after = 0) => probes.some((probe) => probe.at >= after && probe.port === port && probe.ok && probe.what === name);

    // 1. n1 (priority 150) holds the VIP.
    await eventually('n1 answers through the VIP', () => answeredBy('n1', 80), 60_000);
    await eventually('the nodes view shows n1 MASTER, n2 and n3 BACKUP', async () => {
      const view = await nodes('n3');
      return view.n1?.vrrp?.states?.all === 'MASTER' && view.n2?.vrrp?.states?.all === 'BACKUP' && view.n3?.vrrp?.states?.all === 'BACKUP';
    });

    // 2. SIGKILL the master.
    const killedAt = Date.now();
    defined(running.get('n1'), 'n1').kill('SIGKILL');
    await eventually('another node answers through the VIP', () => probes.some((probe) => probe.at > killedAt && probe.port === 80 && probe.ok && probe.what !== 'n1'), 30_000);
    const takeover = probes.find((probe) => probe.at > killedAt && probe.port === 80 && probe.ok && probe.what !== 'n1') as Probe;
    const failed = probes.filter((probe) => probe.port === 80 && probe.at > killedAt - 500 && probe.at < takeover.at && !probe.ok);
    const gapMs = takeover.at - killedAt;
    t.diagnostic(`master n1 killed with SIGKILL: ${takeover.what} answered through the VIP ${gapMs} ms later; ${failed.length} request(s) failed meanwhile (${failed.map((probe) => probe.what).join(', ') || 'none'})`);
    assert.equal(takeover.what, 'n2', 'the next priority takes over');
    assert.ok(gapMs <= FAILOVER_BOUND_MS, `the VIP answered from another node ${gapMs} ms after the kill (bound ${FAILOVER_BOUND_MS} ms)`);
    await eventually('n1 shown down', async () => (await nodes('n2')).n1?.health === 'down');

    // 3. A change while n1 is down: a listener on port 81, through n3.
    const during = await created('n3', '/v2/lbaas/listeners', 'listener', { loadbalancer_id: lb.id, protocol: 'TCP', protocol_port: 81, default_pool_id: pool.id });
    const changeRevision = (await nodes('n3')).n3.applied_revision as number;
    await eventually('n2 answers on the new listener', () => answeredBy('n2', 81));
    const returnedAt = Date.now();
    await startNode('n1', dataDirOf.get('n1') as string);
    await eventually('n1, back, answers on the listener made while it was down', () => answeredBy('n1', 81, returnedAt), 60_000);
    const view = await nodes('n1');
    assert.equal(view.n1.health, 'ok');
    assert.ok(view.n1.applied_revision >= changeRevision, `n1 applied revision ${view.n1.applied_revision}, the change was ${changeRevision}`);
    t.diagnostic(`listener ${during.id} made while n1 was down: n1 serves it after its return (applied revision ${view.n1.applied_revision})`);

    // 4. n1's elbow stops answering (SIGSTOP): keepalived's health check fails and n1 gives the VIP up.
    const stoppedAt = Date.now();
    defined(running.get('n1'), 'n1').kill('SIGSTOP');
    try {
      await eventually('n2 takes over from the hung n1', () => answeredBy('n2', 80, stoppedAt), 30_000);
      const first = probes.find((probe) => probe.at >= stoppedAt && probe.port === 80 && probe.ok && probe.what === 'n2') as Probe;
      const lost = probes.filter((probe) => probe.port === 80 && probe.at >= stoppedAt && probe.at < first.at && !probe.ok).length;
      t.diagnostic(`n1's elbow hung (SIGSTOP): n2 answered through the VIP ${first.at - stoppedAt} ms later; ${lost} request(s) failed meanwhile`);
    } finally {
      defined(running.get('n1'), 'n1').kill('SIGCONT');
    }
    loop.kill('SIGKILL');
  });
});
