// `elbow node list|show|delete`: the elbow nodes sharing the store (GET /v2/lbaas/nodes), and the
// nodes table `elbow status` prints above the load balancers.
import type { Command } from 'commander';
import type { ApiClient } from './api-client.js';
import type { CliIo } from './cli-io.js';
import { addClientOptions, clientFromFlags, type ClientFlags } from './client-options.js';
import { configureCommand, runAction } from './run-action.js';
import { formatKeyValue, formatTable } from './tables.js';

const NODES_PATH = '/v2/lbaas/nodes';

export type NodeObject = Record<string, unknown> & { name: string };

export function registerNodeCommands(program: Command, io: CliIo): void {
  const group = configureCommand(program.command('node'), io).description('the elbow nodes sharing the store: zone, applied revision, heartbeat, health');
  addClientOptions(group.command('list').description('list the nodes')).action(
    runAction(io, async (flags: ClientFlags) => {
      const nodes = await listNodes(clientFromFlags(flags, io));
      io.out(flags.json === true ? `${JSON.stringify({ nodes }, null, 2)}\n` : formatNodes(nodes, io.colour));
    }),
  );
  addClientOptions(group.command('show').description('show one node').argument('<name>', 'node name')).action(
    runAction(io, async (name: string, flags: ClientFlags) => {
      const answer = (await clientFromFlags(flags, io).get(`${NODES_PATH}/${encodeURIComponent(name)}`)) as { node: NodeObject };
      io.out(flags.json === true ? `${JSON.stringify(answer, null, 2)}\n` : formatKeyValue(answer.node));
    }),
  );
  addClientOptions(group.command('delete').description('forget a node that is down for good (decommissioned)').argument('<name>', 'node name')).action(
    runAction(io, async (name: string, flags: ClientFlags) => {
      await clientFromFlags(flags, io).delete(`${NODES_PATH}/${encodeURIComponent(name)}`);
    }),
  );
}

export async function listNodes(client: ApiClient): Promise<NodeObject[]> {
  const answer = (await client.get(NODES_PATH)) as { nodes?: NodeObject[] } | null;
  return answer?.nodes ?? [];
}

const HEALTH_COLOUR: Record<string, number> = { ok: 32, degraded: 33, failing: 31, down: 31 };

/** One line per node: name (* = the node answering), zone, health, engine, applied revision, heartbeat age, VRRP states, load balancers placed. */
export function formatNodes(nodes: readonly NodeObject[], colour: boolean): string {
  if (nodes.length === 0) return 'no nodes\n';
  const rows = nodes.map((node) => {
    const health = String(node.health ?? '?');
    const detail = typeof node.health_detail === 'string' ? ` (${node.health_detail})` : '';
    const vrrp = node.vrrp as { states?: Record<string, string> } | null | undefined;
    const engine = node.engine as { name?: string; haproxy_version?: string | null } | null | undefined;
    return {
      node: `${node.name}${node.local === true ? ' *' : ''}`,
      zone: node.availability_zone ?? '-',
      health: `${colour ? `\x1b[${HEALTH_COLOUR[health] ?? 31}m${health}\x1b[0m` : health}${detail}`,
      engine: engine?.name === undefined ? '-' : `${engine.name}${typeof engine.haproxy_version === 'string' ? ` ${engine.haproxy_version}` : ''}`,
      revision: node.applied_revision ?? '-',
      heartbeat: typeof node.seconds_since_heartbeat === 'number' ? `${node.seconds_since_heartbeat.toFixed(1)} s ago` : '?',
      vrrp: vrrp?.states === undefined ? '-' : Object.entries(vrrp.states).map(([group, state]) => `${group}:${state}`).join(' '),
      loadbalancers: Array.isArray(node.loadbalancers) ? node.loadbalancers.length : 0,
    };
  });
  return formatTable(rows, ['node', 'zone', 'health', 'engine', 'revision', 'heartbeat', 'vrrp', 'loadbalancers']);
}
