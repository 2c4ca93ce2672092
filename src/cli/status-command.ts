// `elbow status [LB]`: each load balancer's listeners, pools and members with their
// provisioning and operating status, as a tree.
import type { Command } from 'commander';
import type { ApiClient, ApiObject } from './api-client.js';
import type { CliIo } from './cli-io.js';
import { addClientOptions, clientFromFlags, type ClientFlags } from './client-options.js';
import { resolveId } from './name-resolver.js';
import { collectionPath, RESOURCES } from './resources.js';
import { configureCommand, runAction } from './run-action.js';
import { renderStatusTree } from './status-tree.js';

interface Details {
  byId: Map<string, ApiObject>;
  pools: ApiObject[];
  members: ApiObject[];
  healthmonitors: ApiObject[];
}

export function registerStatusCommand(program: Command, io: CliIo): void {
  const command = configureCommand(program.command('status'), io)
    .description('show load balancers, listeners, pools and members with their status')
    .argument('[loadbalancer]', 'one load balancer (name or id); default: all');
  addClientOptions(command).action(
    runAction(io, async (nameOrId: string | undefined, flags: ClientFlags) => {
      const client = clientFromFlags(flags, io);
      const loadbalancers = await client.listAll(collectionPath(RESOURCES.loadbalancer), 'loadbalancers');
      const ids = nameOrId === undefined ? loadbalancers.map((lb) => lb.id) : [await resolveId(client, 'loadbalancer', nameOrId)];
      const trees = await Promise.all(ids.map((id) => client.get(`${collectionPath(RESOURCES.loadbalancer)}/${encodeURIComponent(id)}/status`)));
      if (flags.json === true) return io.out(`${JSON.stringify(nameOrId === undefined ? trees : trees[0], null, 2)}\n`);
      if (trees.length === 0) return io.out('no load balancers\n');
      const details = await fetchDetails(client, loadbalancers);
      io.out(trees.map((tree) => renderStatusTree(withIdlePools(tree, details), details.byId, io.colour)).join('\n'));
    }),
  );
}

/** Every load balancer, listener, pool, member and monitor, for the labels of the tree. */
async function fetchDetails(client: ApiClient, loadbalancers: ApiObject[]): Promise<Details> {
  const list = (kind: 'listener' | 'pool' | 'healthmonitor') => client.listAll(collectionPath(RESOURCES[kind]), RESOURCES[kind].plural);
  const [listeners, pools, healthmonitors] = await Promise.all([list('listener'), list('pool'), list('healthmonitor')]);
  const members = (await Promise.all(pools.map((p) => client.listAll(collectionPath(RESOURCES.member, p.id), 'members')))).flat();
  const byId = new Map([...loadbalancers, ...listeners, ...pools, ...members].map((r) => [r.id, r]));
  return { byId, pools, members, healthmonitors };
}

/**
 * The status endpoint (like Octavia's) shows pools only under the listeners that use them; pools
 * no listener uses yet are added at the load balancer level, from the resources' own statuses.
 */
function withIdlePools(tree: unknown, details: Details): unknown {
  const lb = (tree as { statuses?: { loadbalancer?: { id: string; listeners?: { pools?: { id: string }[] }[] } } } | undefined)?.statuses?.loadbalancer;
  if (lb === undefined) return tree;
  const shown = new Set((lb.listeners ?? []).flatMap((l) => (l.pools ?? []).map((p) => p.id)));
  const idle = details.pools
    .filter((p) => p.loadbalancer_id === lb.id && !shown.has(p.id))
    .map((p) => ({
      ...p,
      health_monitor: details.healthmonitors.find((h) => h.pool_id === p.id),
      members: details.members.filter((m) => m.pool_id === p.id),
    }));
  return { statuses: { loadbalancer: { ...lb, pools: idle } } };
}
