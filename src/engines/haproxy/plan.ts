// Pure: the running render and the next one → what reaches HAProxy. The file is the truth and
// the runtime API an optimisation (research §6): every change is written to the configuration,
// and those the runtime API can make (members added, removed, re-weighted, enabled, disabled or
// moved; certificate and CA contents; SNI certificates added or removed; address lists) are also
// sent as commands, so that no reload is needed. Anything else is one reload, with the reasons,
// and no commands: the new worker reads everything from the files (server health from the state
// file, which server-state.ts aligns with the new configuration).

import type { RenderedBackend, RenderedServer } from './render-backend.js';
import type { RenderedFile } from './render-files.js';
import type { Rendered } from './render.js';

export type PlannedStep =
  /** CLI commands (`@1 …`); `optional` ones may fail without a reload (a `del server` of a server still in use stays in maintenance). */
  | { readonly kind: 'cli'; readonly line: string; readonly payload?: string; readonly optional?: boolean }
  /** An address list replaced atomically (prepare, add every entry, commit). */
  | { readonly kind: 'acl'; readonly path: string; readonly entries: readonly string[] };

export interface Plan {
  readonly reload: boolean;
  /** Why a reload is needed (empty when none is). */
  readonly reasons: readonly string[];
  /** Runtime commands that bring the running worker to the next render (none with a reload). */
  readonly steps: readonly PlannedStep[];
}

const cli = (line: string, extra: { payload?: string; optional?: boolean } = {}): PlannedStep => ({ kind: 'cli', line: `@1 ${line}`, ...extra });

function serverSteps(backend: string, previous: RenderedServer | undefined, next: RenderedServer | undefined, dynamic: boolean, monitored: boolean, reasons: string[]): PlannedStep[] {
  const id = `${backend}/${(next ?? previous)?.name ?? ''}`;
  if (next === undefined) {
    // Removed: no new connections at once; deleted when nothing uses it any more, else at the next reload.
    return [cli(`set server ${id} state maint`), cli(`del server ${id}`, { optional: true })];
  }
  if (previous === undefined) {
    if (!dynamic) {
      reasons.push(`member ${next.memberId} added to ${backend}, whose persistence cookie needs a configured server`);
      return [];
    }
    const address = next.address.includes(':') ? `[${next.address}]` : next.address;
    const steps = [cli(`add server ${id} ${address}:${next.port} weight ${next.weight}${next.options ? ` ${next.options}` : ''}`)];
    if (next.enabled) steps.push(cli(`enable server ${id}`));
    if (monitored) steps.push(cli(`enable health ${id}`));
    return steps;
  }
  if (previous.options !== next.options) {
    reasons.push(`member ${next.memberId} of ${backend} changed beyond weight, admin state and address`);
    return [];
  }
  const steps: PlannedStep[] = [];
  if (previous.address !== next.address || previous.port !== next.port) steps.push(cli(`set server ${id} addr ${next.address} port ${next.port}`));
  if (previous.weight !== next.weight) steps.push(cli(`set server ${id} weight ${next.weight}`));
  if (previous.enabled !== next.enabled) steps.push(cli(`set server ${id} state ${next.enabled ? 'ready' : 'maint'}`));
  return steps;
}

function backendSteps(previous: RenderedBackend, next: RenderedBackend, reasons: string[]): PlannedStep[] {
  // The same part of a cached render: nothing changed (most backends, at scale).
  if (previous === next) return [];
  if (previous.header !== next.header) {
    reasons.push(`backend ${next.name} changed`);
    return [];
  }
  const before = new Map(previous.servers.map((server) => [server.name, server]));
  const after = new Map(next.servers.map((server) => [server.name, server]));
  const steps: PlannedStep[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    steps.push(...serverSteps(next.name, before.get(name), after.get(name), next.dynamic, next.monitored, reasons));
  }
  return steps;
}

/** The entries of a crt-list file (certificate paths, in order). */
function crtListEntries(file: RenderedFile): string[] {
  return file.content.split('\n').filter((line) => line.trim() !== '').map((line) => line.split(' ')[0] ?? '');
}

/** SNI certificates added at the end or removed keep the runtime list equal to the file; anything else reloads. */
function crtListSteps(path: string, previous: RenderedFile, next: RenderedFile, reasons: string[]): PlannedStep[] {
  const before = crtListEntries(previous);
  const after = crtListEntries(next);
  const kept = before.filter((entry) => after.includes(entry));
  const added = after.filter((entry) => !before.includes(entry));
  const inOrder = kept.every((entry, i) => after[i] === entry) && added.every((entry, i) => after[kept.length + i] === entry);
  if (!inOrder || previous.content.split('\n')[0] !== next.content.split('\n')[0]) {
    reasons.push(`certificate list ${path} reordered`);
    return [];
  }
  return [
    ...added.map((entry) => cli(`add ssl crt-list ${path} ${entry}`)),
    ...before.filter((entry) => !after.includes(entry)).flatMap((entry) => [cli(`del ssl crt-list ${path} ${entry}`), cli(`del ssl cert ${entry}`, { optional: true })]),
  ];
}

function fileSteps(dir: string, previous: Rendered, next: Rendered, reasons: string[]): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const lists: PlannedStep[] = [];
  for (const [name, file] of next.files) {
    const before = previous.files.get(name);
    if (before === file || (before !== undefined && before.content === file.content && before.kind === file.kind)) continue;
    const path = `${dir}/${name}`;
    if (file.kind === 'cert') {
      // A new certificate file is an SNI entry: it exists in HAProxy before the list names it.
      if (before === undefined) steps.push(cli(`new ssl cert ${path}`));
      steps.push(cli(`set ssl cert ${path}`, { payload: file.content }), cli(`commit ssl cert ${path}`));
    } else if (file.kind === 'ca' && before !== undefined) {
      steps.push(cli(`set ssl ca-file ${path}`, { payload: file.content }), cli(`commit ssl ca-file ${path}`));
    } else if (file.kind === 'acl' && before !== undefined) {
      steps.push({ kind: 'acl', path, entries: file.content.split('\n').filter((line) => line !== '') });
    } else if (before !== undefined && name.endsWith('.crt-list')) {
      lists.push(...crtListSteps(path, before, file, reasons));
    } else if (before !== undefined) {
      reasons.push(`file ${name} changed`);
    }
  }
  // List entries after the certificates they name exist, removals after the list forgets them.
  return [...steps, ...lists];
}

export function plan(dir: string, previous: Rendered, next: Rendered): Plan {
  const reasons: string[] = [];
  if (previous.head !== next.head) reasons.push('global settings changed');
  for (const id of new Set([...previous.frontends.keys(), ...next.frontends.keys()])) {
    const before = previous.frontends.get(id);
    const after = next.frontends.get(id);
    if (before === undefined) reasons.push(`listener ${id} added`);
    else if (after === undefined) reasons.push(`listener ${id} removed`);
    else if (before !== after && before.text !== after.text) reasons.push(`listener ${id} changed`);
  }
  const steps: PlannedStep[] = [];
  for (const name of new Set([...previous.backends.keys(), ...next.backends.keys()])) {
    const before = previous.backends.get(name);
    const after = next.backends.get(name);
    if (before === undefined) reasons.push(`backend ${name} added`);
    else if (after === undefined) reasons.push(`backend ${name} removed`);
    else steps.push(...backendSteps(before, after, reasons));
  }
  steps.push(...fileSteps(dir, previous, next, reasons));
  return reasons.length > 0 ? { reload: true, reasons, steps: [] } : { reload: false, reasons, steps };
}
