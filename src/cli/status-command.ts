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

export function registerStatusCommand(program: Command, io: CliIo): void {
  const command = configureCommand(program.command('status'), io)
    .description('show load balancers, listeners, pools and members with their status')
    .argument('[loadbalancer]', 'one load balancer (name or id); default: all');
  addClientOptions(command).action(
    runAction(io, async (nameOrId: string | undefined, flags: ClientFlags) => {
      const client = clientFromFlags(flags, io);
      const loadbalancers = await client.listAll(collectionPath(RESOURCES.loadbalancer), 'loadbalancers');
      let ids = loadbalancers.map((lb) => lb.id);
      if (nameOrId !== undefined) {
        const id = await resolveId(client, 'loadbalancer', nameOrId);
        ids = [id];
      }
      const trees = await Promise.all(ids.map((id) => client.get(`${collectionPath(RESOURCES.loadbalancer)}/${encodeURIComponent(id)}/status`)));
      if (flags.json === true) return io.out(`${JSON.stringify(trees.length === 1 && nameOrId !== undefined ? trees[0] : trees, null, 2)}\n`);
      const details = await fetchDetails(client, loadbalancers);
      if (trees.length === 0) return io.out('no load balancers\n');
      io.out(trees.map((tree) => renderStatusTree(tree, details, io.colour)).join('\n'));
    }),
  );
}

/** Every load balancer, listener, pool and member by id, for the labels of the tree. */
async function fetchDetails(client: ApiClient, loadbalancers: ApiObject[]): Promise<Map<string, ApiObject>> {
  const [listeners, pools] = await Promise.all([
    client.listAll(collectionPath(RESOURCES.listener), 'listeners'),
    client.listAll(collectionPath(RESOURCES.pool), 'pools'),
  ]);
  const members = await Promise.all(pools.map((p) => client.listAll(collectionPath(RESOURCES.member, p.id), 'members')));
  return new Map([...loadbalancers, ...listeners, ...pools, ...members.flat()].map((r) => [r.id, r]));
}
