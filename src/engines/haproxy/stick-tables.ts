// Stick tables (SOURCE_IP and APP_COOKIE persistence) carried across a reload by elbow itself:
// read from the old worker with `show table`, written into the new one with `set table`, each
// entry pointing at the server of the same name (member id), whatever number the new worker gave
// it. HAProxy 2.6's own way, a local peer teaching the new worker, did not transfer a single
// entry in master-worker mode here, with either peers syntax.

import type { Rendered } from './render.js';

export interface StickEntry {
  readonly key: string;
  /** The server's name (srvkey name). */
  readonly server: string;
}

/** Backends whose configuration keeps a stick table. */
export function stickTables(rendered: Rendered): string[] {
  return [...rendered.backends.values()].filter((backend) => backend.header.includes('stick-table')).map((backend) => backend.name);
}

/** Parses `show table <name>`: entries with the server they stick to. */
export function parseShowTable(text: string): StickEntry[] {
  const entries: StickEntry[] = [];
  for (const line of text.split('\n')) {
    const key = /\bkey=(\S+)/.exec(line)?.[1];
    const server = /\bserver_key=(\S+)/.exec(line)?.[1];
    if (key !== undefined && server !== undefined && server !== '-') entries.push({ key, server });
  }
  return entries;
}

/** Server name → id, from `show servers state <backend>`. */
export function serverIds(text: string): Map<string, number> {
  const ids = new Map<string, number>();
  const header = text.split('\n').find((line) => line.startsWith('# '));
  if (header === undefined) return ids;
  const fields = header.slice(2).trim().split(/\s+/);
  const [idColumn, nameColumn] = [fields.indexOf('srv_id'), fields.indexOf('srv_name')];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '' || line.trim() === '1') continue;
    const row = line.split(' ');
    const id = Number(row[idColumn]);
    if (Number.isInteger(id) && row[nameColumn] !== undefined) ids.set(row[nameColumn] as string, id);
  }
  return ids;
}

/** `set table` commands that put the entries back, for servers the new worker has. */
export function restoreCommands(table: string, entries: readonly StickEntry[], ids: ReadonlyMap<string, number>): string[] {
  return entries.flatMap((entry) => {
    const id = ids.get(entry.server);
    return id === undefined ? [] : [`@1 set table ${table} key ${entry.key} data.server_id ${id}`];
  });
}
