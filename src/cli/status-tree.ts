// Renders Octavia's status tree (GET /loadbalancers/{id}/status) as an indented text tree,
// with the names, protocols and addresses the status endpoint does not carry filled in from
// the resources themselves.
import type { ApiObject } from './api-client.js';

interface StatusNode {
  id: string;
  name?: string;
  provisioning_status?: string;
  operating_status?: string;
  listeners?: StatusNode[];
  pools?: StatusNode[];
  members?: StatusNode[];
  health_monitor?: StatusNode;
  address?: string;
  protocol_port?: number;
  type?: string;
}

const GREEN = new Set(['ACTIVE', 'ONLINE']);
const YELLOW = new Set(['DEGRADED', 'DRAINING', 'NO_MONITOR', 'PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE']);

function paint(status: string | undefined, colour: boolean): string {
  const text = status ?? '?';
  if (!colour) return text;
  const code = GREEN.has(text) ? 32 : YELLOW.has(text) ? 33 : 31;
  return `\x1b[${code}m${text}\x1b[0m`;
}

/**
 * `statusBody` is the endpoint's answer ({"statuses": {"loadbalancer": …}}); `details` maps ids to
 * the full resources (load balancer, listeners, pools, members) for labels.
 */
export function renderStatusTree(statusBody: unknown, details: ReadonlyMap<string, ApiObject>, colour: boolean): string {
  const lb = (statusBody as { statuses?: { loadbalancer?: StatusNode } } | undefined)?.statuses?.loadbalancer;
  if (lb === undefined) return '';
  const lines: string[] = [];
  const line = (depth: number, label: string, node: StatusNode): void => {
    lines.push(`${'  '.repeat(depth)}${label}  ${paint(node.provisioning_status, colour)} ${paint(node.operating_status, colour)}`);
  };
  const field = (node: StatusNode, name: keyof StatusNode): unknown => node[name] ?? details.get(node.id)?.[name];
  const named = (node: StatusNode): string => {
    const name = field(node, 'name');
    return typeof name === 'string' && name !== '' ? name : node.id;
  };
  const shownPools = new Set<string>();
  const pool = (depth: number, p: StatusNode): void => {
    shownPools.add(p.id);
    const protocol = details.get(p.id)?.protocol;
    line(depth, `pool ${named(p)}${protocol === undefined ? '' : ` ${String(protocol)}`}`, p);
    if (p.health_monitor !== undefined) line(depth + 1, `healthmonitor ${String(field(p.health_monitor, 'type') ?? named(p.health_monitor))}`, p.health_monitor);
    for (const m of p.members ?? []) {
      const address = String(field(m, 'address') ?? '?');
      const port = String(field(m, 'protocol_port') ?? '?');
      const name = field(m, 'name');
      line(depth + 1, `member ${address.includes(':') ? `[${address}]` : address}:${port}${typeof name === 'string' && name !== '' ? ` ${name}` : ''}`, m);
    }
  };

  const vip = details.get(lb.id)?.vip_address;
  line(0, `loadbalancer ${named(lb)}${typeof vip === 'string' ? ` (${vip})` : ''}`, lb);
  for (const l of lb.listeners ?? []) {
    const d = details.get(l.id);
    const name = field(l, 'name');
    const endpoint = d === undefined ? '' : `${String(d.protocol)}:${String(d.protocol_port)}`;
    line(1, `listener ${[endpoint, typeof name === 'string' ? name : ''].filter((s) => s !== '').join(' ') || l.id}`, l);
    for (const p of l.pools ?? []) pool(2, p);
  }
  // Pools no listener uses by default (reached through l7 policies, or not yet in use).
  for (const p of lb.pools ?? []) if (!shownPools.has(p.id)) pool(1, p);
  return `${lines.join('\n')}\n`;
}
