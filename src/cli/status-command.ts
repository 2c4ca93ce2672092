// `elbow status [LB]`: each load balancer's listeners, pools and members with their
// provisioning and operating status, as a tree; without LB, the elbow nodes first.
import type { Command } from 'commander';
import { ApiError, type ApiClient, type ApiObject } from './api-client.js';
import type { CliIo } from './cli-io.js';
import { CliError } from './cli-error.js';
import { addClientOptions, clientFromFlags, type ClientFlags } from './client-options.js';
import { resolveId } from './name-resolver.js';
import { formatNodes, listNodes } from './node-commands.js';
import { collectionPath, RESOURCES } from './resources.js';
import { configureCommand, runAction } from './run-action.js';
import { renderStatusTree } from './status-tree.js';

interface Details {
  byId: Map<string, ApiObject>;
  pools: ApiObject[];
  members: ApiObject[];
  healthmonitors: ApiObject[];
}

export interface StatusFlags extends ClientFlags {
  watch?: boolean;
  interval?: string;
  count?: string;
}

export function registerStatusCommand(program: Command, io: CliIo): void {
  const command = configureCommand(program.command('status'), io)
    .description('show load balancers, listeners, pools and members with their status')
    .argument('[loadbalancer]', 'one load balancer (name or id); default: all')
    .option('-w, --watch', 'keep the tree on screen, refreshed in place (Ctrl-C stops)')
    .option('--interval <seconds>', 'seconds between refreshes with --watch', '2')
    .option('--count <n>', 'with --watch: stop after n refreshes');
  addClientOptions(command).action(
    runAction(io, async (nameOrId: string | undefined, flags: StatusFlags) => {
      const client = clientFromFlags(flags, io);
      if (flags.watch !== true) return io.out(await renderStatus(client, nameOrId, flags, io));
      const intervalMs = Number(flags.interval) * 1000;
      if (!Number.isFinite(intervalMs) || intervalMs < 100) throw new CliError('--interval must be a number of seconds (at least 0.1)');
      const count = flags.count === undefined ? Infinity : Number(flags.count);
      for (let frame = 1; frame <= count; frame++) {
        let body: string;
        try {
          body = await renderStatus(client, nameOrId, flags, io);
        } catch (err) {
          // The API restarting or unreachable for a moment is part of what a watcher watches.
          body = `elbow: ${err instanceof Error ? err.message : String(err)}\n`;
        }
        const stamp = `elbow status — ${new Date().toLocaleTimeString()} — every ${flags.interval ?? '2'} s, Ctrl-C stops\n\n`;
        // On a terminal each frame replaces the last (cursor home, clear); piped, frames follow each other.
        io.out(io.colour ? `\x1b[H\x1b[2J${stamp}${body}` : `${frame > 1 ? '\n' : ''}${stamp}${body}`);
        if (frame < count) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }),
  );
}

async function renderStatus(client: ApiClient, nameOrId: string | undefined, flags: ClientFlags, io: CliIo): Promise<string> {
  const loadbalancers = await client.listAll(collectionPath(RESOURCES.loadbalancer), 'loadbalancers');
  const ids = nameOrId === undefined ? loadbalancers.map((lb) => lb.id) : [await resolveId(client, 'loadbalancer', nameOrId)];
  const trees = await Promise.all(ids.map((id) => client.get(`${collectionPath(RESOURCES.loadbalancer)}/${encodeURIComponent(id)}/status`)));
  if (flags.json === true) return `${JSON.stringify(nameOrId === undefined ? trees : trees[0], null, 2)}\n`;
  const nodes = nameOrId === undefined ? await nodesSection(client, io.colour) : '';
  if (trees.length === 0) return `${nodes}no load balancers\n`;
  const details = await fetchDetails(client, loadbalancers);
  return nodes + trees.map((tree) => renderStatusTree(withIdlePools(tree, details), details.byId, io.colour)).join('\n');
}

/** The nodes table and a blank line; nothing from an API without nodes, a line saying why when they cannot be listed. */
async function nodesSection(client: ApiClient, colour: boolean): Promise<string> {
  try {
    return `${formatNodes(await listNodes(client), colour)}\n`;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return '';
    return `nodes: ${err instanceof Error ? err.message : String(err)}\n\n`;
  }
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
