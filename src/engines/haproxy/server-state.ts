// The server state a new worker starts from (`server-state-file`): what the old worker reported
// with `show servers state`, cut down to what must survive a reload, which is health. The
// configuration decides everything else: rows of servers that are gone or whose address or
// options changed are dropped (their health is unknown, as in the Node engine when a member
// moves), and admin state, weight and address are rewritten to the new configuration's, since
// HAProxy would otherwise prefer runtime values saved in the file to the file's own.

import type { Rendered } from './render.js';
import type { RenderedServer } from './render-backend.js';

/** HAProxy's srv_admin_state bit for "disabled in the configuration" (SRV_ADMF_CMAINT). */
const CONFIG_MAINTENANCE = 0x02;

/** The state file HAProxy accepts when there is nothing to restore. */
export const EMPTY_SERVER_STATE = '1\n';

function serverIn(rendered: Rendered, backend: string, server: string): RenderedServer | undefined {
  return rendered.backends.get(backend)?.servers.find((candidate) => candidate.name === server);
}

export function alignServerState(saved: string, previous: Rendered, next: Rendered): string {
  const lines = saved.split('\n');
  const header = lines.find((line) => line.startsWith('# '));
  if (lines[0]?.trim() !== '1' || header === undefined) return EMPTY_SERVER_STATE;
  const fields = header.slice(2).trim().split(/\s+/);
  const at = (name: string): number => fields.indexOf(name);
  const columns = { backend: at('be_name'), server: at('srv_name'), addr: at('srv_addr'), port: at('srv_port'), admin: at('srv_admin_state'), uweight: at('srv_uweight'), iweight: at('srv_iweight') };
  if (Object.values(columns).some((index) => index < 0)) return EMPTY_SERVER_STATE;
  const rows: string[] = [];
  for (const line of lines) {
    if (line === '' || line.startsWith('#') || line.trim() === '1') continue;
    const row = line.split(' ');
    const backend = row[columns.backend] ?? '';
    const name = row[columns.server] ?? '';
    const before = serverIn(previous, backend, name);
    const after = serverIn(next, backend, name);
    if (before === undefined || after === undefined) continue;
    if (before.address !== after.address || before.port !== after.port || before.options !== after.options) continue;
    row[columns.admin] = String(after.enabled ? 0 : CONFIG_MAINTENANCE);
    row[columns.uweight] = String(after.weight);
    row[columns.iweight] = String(after.weight);
    row[columns.addr] = after.address;
    row[columns.port] = String(after.port);
    rows.push(row.join(' '));
  }
  return `1\n${header}\n${rows.map((row) => `${row}\n`).join('')}`;
}
