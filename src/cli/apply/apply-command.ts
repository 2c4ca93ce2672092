// `elbow apply -f elbow.yaml [--dry-run] [--prune]`: converge the API to a declarative file.
import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { addClientOptions, clientFromFlags, type ClientFlags } from '../client-options.js';
import { configureCommand, runAction } from '../run-action.js';
import { fetchActual } from './actual-state.js';
import { loadDesiredFile } from './desired-config.js';
import { executePlan } from './execute.js';
import { describeAction, knownIds, plan, summarize, type Action } from './plan.js';

interface ApplyFlags extends ClientFlags {
  file: string;
  dryRun?: boolean;
  prune?: boolean;
}

export function registerApplyCommand(program: Command, io: CliIo): void {
  const command = configureCommand(program.command('apply'), io)
    .description('make the load balancers match a declarative YAML file (see docs/cli.md)')
    .requiredOption('-f, --file <path>', 'the YAML file (elbow.yaml)')
    .option('--dry-run', 'print the changes without making them')
    .option('--prune', 'also delete load balancers, certificates and IP groups the file does not name');
  addClientOptions(command).action(
    runAction(io, async (flags: ApplyFlags) => {
      const desired = loadDesiredFile(flags.file);
      const client = clientFromFlags(flags, io);
      const actual = await fetchActual(client, new Set(desired.loadbalancers.map((lb) => lb.key)));
      const actions = plan(desired, actual, { prune: flags.prune === true });
      if (flags.json === true) {
        io.out(`${JSON.stringify({ dry_run: flags.dryRun === true, changes: actions.map(toJson) }, null, 2)}\n`);
        if (flags.dryRun !== true) await executePlan(client, actions, knownIds(actual), () => undefined);
        return;
      }
      if (flags.dryRun === true || actions.length === 0) {
        for (const action of actions) io.out(`${describeAction(action)}\n`);
        io.out(actions.length === 0 ? 'no changes\n' : `dry run: ${summarize(actions)}\n`);
        return;
      }
      await executePlan(client, actions, knownIds(actual), (line) => io.out(`${line}\n`));
      io.out(`applied: ${summarize(actions, true)}\n`);
    }),
  );
}

function toJson(action: Action): Record<string, unknown> {
  if (action.op === 'create') return { op: 'create', kind: action.node.kind, key: action.node.key };
  if (action.op === 'update') return { op: 'update', kind: action.kind, key: action.key, id: action.id, changes: action.changes.map((c) => c.field) };
  return { op: 'delete', kind: action.kind, key: action.key, id: action.id };
}
