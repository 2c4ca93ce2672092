// `elbow <resource> create|list|show|update|delete`, one generic implementation driven by the
// field table in resources.ts (derived from the resource catalog).
import { Option, type Command } from 'commander';
import type { ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { addClientOptions, clientFromFlags, type ClientFlags } from './client-options.js';
import { parseFieldValue } from './field-values.js';
import { resolveId } from './name-resolver.js';
import { collectionPath, optionName, RESOURCES, resourcePath, type FieldSpec, type ResourceSpec } from './resources.js';
import { configureCommand, runAction } from './run-action.js';
import { formatKeyValue, formatTable } from './tables.js';
import { CATALOG } from '../model/resources/catalog.js';
import { OPERATIONS, type Operation } from '../model/resources/field.js';
import { RESOURCE_KINDS } from '../model/types.js';

type Flags = ClientFlags & Record<string, unknown>;

export function registerResourceCommands(program: Command, io: CliIo): void {
  for (const kind of RESOURCE_KINDS) {
    const spec = RESOURCES[kind];
    const group = configureCommand(program.command(kind), io).description(CATALOG[kind].cli.description);
    const alias = CATALOG[kind].cli.alias;
    if (alias !== undefined) group.alias(alias);
    // Quotas are never created: update sets a project's, delete resets it.
    const operations: readonly Operation[] = (CATALOG[kind] as { operations?: readonly Operation[] }).operations ?? OPERATIONS;
    if (operations.includes('create')) registerCreate(group, spec, io);
    if (operations.includes('list')) registerList(group, spec, io);
    if (operations.includes('show')) registerShow(group, spec, io);
    if (operations.includes('update')) registerUpdate(group, spec, io);
    if (operations.includes('delete')) registerDelete(group, spec, io);
  }
}

function registerCreate(group: Command, spec: ResourceSpec, io: CliIo): void {
  const command = withParent(group.command('create').description(`create a ${spec.kind}`), spec);
  const fields = addFieldOptions(command, spec.fields);
  addClientOptions(command).action(
    runAction(io, async (flags: Flags) => {
      const client = clientFromFlags(flags, io);
      const parentId = await parentIdOf(client, spec, flags);
      const body = await bodyFrom(client, fields, flags);
      const answer = await client.post(collectionPath(spec, parentId), { [spec.singular]: body });
      printResource(io, spec, answer, flags);
    }),
  );
}

function registerList(group: Command, spec: ResourceSpec, io: CliIo): void {
  const command = withParent(group.command('list').description(`list ${spec.plural}`), spec);
  // Filter by the resources this one belongs to (e.g. listeners of one load balancer).
  const filters = spec.fields.filter((f) => f.ref !== undefined && f.createOnly === true);
  if (spec.named) command.option('--name <name>', 'only those with this name');
  for (const f of filters) command.option(`--${optionName(f)} <${f.ref}>`, `only those of this ${f.ref} (name or id)`);
  addClientOptions(command).action(
    runAction(io, async (flags: Flags) => {
      const client = clientFromFlags(flags, io);
      const parentId = await parentIdOf(client, spec, flags);
      const query = new URLSearchParams();
      if (typeof flags.name === 'string') query.set('name', flags.name);
      for (const f of filters) {
        const value = flags[new Option(`--${optionName(f)} <v>`).attributeName()];
        if (typeof value === 'string' && f.ref !== undefined) query.set(f.field, await resolveId(client, f.ref, value));
      }
      const search = query.size > 0 ? `?${query.toString()}` : '';
      let items = await client.listAll(`${collectionPath(spec, parentId)}${search}`, spec.plural);
      // The same filters client-side, in case the API ignored a query parameter.
      items = items.filter((item) => [...query].every(([k, v]) => item[k] === undefined || item[k] === v));
      if (flags.json === true) return io.out(`${JSON.stringify({ [spec.plural]: items }, null, 2)}\n`);
      const columns = ['id', ...spec.columns, ...(spec.hasStatus ? ['provisioning_status', 'operating_status'] : [])];
      io.out(formatTable(items, columns));
    }),
  );
}

function registerShow(group: Command, spec: ResourceSpec, io: CliIo): void {
  const command = withParent(group.command('show').description(`show one ${spec.kind}`).argument('<id>', idHelp(spec)), spec);
  addClientOptions(command).action(
    runAction(io, async (nameOrId: string, flags: Flags) => {
      const client = clientFromFlags(flags, io);
      const parentId = await parentIdOf(client, spec, flags);
      const id = await resolveId(client, spec.kind, nameOrId, parentId);
      printResource(io, spec, await client.get(resourcePath(spec, id, parentId)), flags);
    }),
  );
}

function registerUpdate(group: Command, spec: ResourceSpec, io: CliIo): void {
  const command = withParent(group.command('update').description(`change a ${spec.kind}`).argument('<id>', idHelp(spec)), spec);
  const fields = addFieldOptions(command, spec.fields.filter((f) => f.createOnly !== true));
  addClientOptions(command).action(
    runAction(io, async (nameOrId: string, flags: Flags) => {
      const client = clientFromFlags(flags, io);
      const parentId = await parentIdOf(client, spec, flags);
      const body = await bodyFrom(client, fields, flags);
      if (Object.keys(body).length === 0) throw new CliError(`nothing to update: give at least one field option (see elbow ${spec.kind} update --help)`, 2);
      const id = await resolveId(client, spec.kind, nameOrId, parentId);
      const answer = await client.put(resourcePath(spec, id, parentId), { [spec.singular]: body });
      printResource(io, spec, answer, flags);
    }),
  );
}

function registerDelete(group: Command, spec: ResourceSpec, io: CliIo): void {
  const command = withParent(group.command('delete').description(`delete a ${spec.kind}`).argument('<id>', idHelp(spec)), spec);
  if (spec.kind === 'loadbalancer') command.option('--cascade', 'delete its listeners, pools and everything under them too');
  addClientOptions(command).action(
    runAction(io, async (nameOrId: string, flags: Flags) => {
      const client = clientFromFlags(flags, io);
      const parentId = await parentIdOf(client, spec, flags);
      const id = await resolveId(client, spec.kind, nameOrId, parentId);
      await client.delete(`${resourcePath(spec, id, parentId)}${flags.cascade === true ? '?cascade=true' : ''}`);
      if (flags.json !== true) io.out(`Deleted ${spec.kind} ${id}\n`);
    }),
  );
}

function idHelp(spec: ResourceSpec): string {
  return spec.named ? `${spec.kind} name or id` : `${spec.kind} id`;
}

function withParent(command: Command, spec: ResourceSpec): Command {
  if (spec.parent === undefined) return command;
  return command.requiredOption(`--${spec.parent.option} <${spec.parent.kind}>`, `the ${spec.parent.kind} it belongs to (name or id)`);
}

async function parentIdOf(client: ApiClient, spec: ResourceSpec, flags: Flags): Promise<string | undefined> {
  if (spec.parent === undefined) return undefined;
  const value = flags[new Option(`--${spec.parent.option} <v>`).attributeName()];
  return resolveId(client, spec.parent.kind, String(value));
}

/** Adds one option per field; returns them keyed by commander's attribute name. */
function addFieldOptions(command: Command, fields: readonly FieldSpec[]): Map<string, FieldSpec> {
  const byAttribute = new Map<string, FieldSpec>();
  for (const field of fields) {
    const valueName = field.type === 'file' ? 'file' : field.ref !== undefined ? field.ref : field.type === 'bool' ? 'true|false' : field.type;
    const option = new Option(`--${optionName(field)} <${valueName}>`, field.help).argParser((raw, prev) => parseFieldValue(field, raw, prev));
    command.addOption(option);
    byAttribute.set(option.attributeName(), field);
  }
  return byAttribute;
}

async function bodyFrom(client: ApiClient, fields: Map<string, FieldSpec>, flags: Flags): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  for (const [attribute, field] of fields) {
    const value = flags[attribute];
    if (value === undefined) continue;
    const ref = field.ref;
    if (ref === undefined) body[field.field] = value;
    // An empty name clears the reference: `--default-pool ''`.
    else if (value === '') body[field.field] = null;
    else if (Array.isArray(value)) body[field.field] = await Promise.all(value.map((v) => resolveId(client, ref, String(v))));
    else body[field.field] = await resolveId(client, ref, String(value));
  }
  return body;
}

function printResource(io: CliIo, spec: ResourceSpec, answer: unknown, flags: Flags): void {
  if (flags.json === true) return io.out(`${JSON.stringify(answer, null, 2)}\n`);
  const resource = (answer as Record<string, unknown> | undefined)?.[spec.singular];
  io.out(formatKeyValue((resource ?? {}) as Record<string, unknown>));
}
