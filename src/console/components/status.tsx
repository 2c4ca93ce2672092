// Status badges and the live status tree (load balancer → listeners → pools → members), coloured
// like the terminal's `elbow status`: green is up, amber is partly up or unmonitored, red is down.
import type { StatusNode } from '../api/live-stream';
import type { ApiObject } from '../api/client';
import { href } from '../router';
import { title } from '../resources';

// Node health (ok, degraded, failing, down) and amphora status (ALLOCATED, ERROR) too.
const GREEN = new Set(['ACTIVE', 'ONLINE', 'ALLOCATED', 'ok']);
const AMBER = new Set(['DEGRADED', 'DRAINING', 'NO_MONITOR', 'PENDING_CREATE', 'PENDING_UPDATE', 'PENDING_DELETE', 'degraded']);
const GREY = new Set(['OFFLINE']);

export function tone(status: string | undefined): 'ok' | 'warn' | 'down' | 'off' | 'unknown' {
  if (status === undefined) return 'unknown';
  if (GREEN.has(status)) return 'ok';
  if (AMBER.has(status)) return 'warn';
  if (GREY.has(status)) return 'off';
  return 'down';
}

export function Badge({ status, label }: { status: string | undefined; label?: string }) {
  return (
    <span class={`badge ${tone(status)}`} title={label ? `${label}: ${status ?? '?'}` : status}>
      {status ?? '?'}
    </span>
  );
}

export function Statuses({ resource }: { resource: Record<string, unknown> }) {
  return (
    <span class="statuses">
      <Badge status={resource.provisioning_status as string | undefined} label="provisioning" />
      <Badge status={resource.operating_status as string | undefined} label="operating" />
    </span>
  );
}

/** The tree from the status endpoint, labels filled in from the resources the page loaded. */
export function StatusTree({ tree, details }: { tree: StatusNode; details: Map<string, ApiObject> }) {
  const label = (node: StatusNode) => {
    const resource = details.get(node.id);
    return resource ? title(resource) : node.name || node.id.slice(0, 8);
  };
  const row = (node: StatusNode) => (
    <span class="node" data-status={node.operating_status}>
      <span class={`dot ${tone(node.operating_status)}`} aria-hidden="true" />
      <Badge status={node.operating_status} label="operating" />
      {node.provisioning_status !== 'ACTIVE' && <Badge status={node.provisioning_status} label="provisioning" />}
    </span>
  );
  return (
    <ul class="tree" aria-label="status tree" aria-live="polite">
      <li>
        {row(tree)} <strong>{label(tree)}</strong>
        <ul>
          {(tree.listeners ?? []).map((listener) => {
            const l = details.get(listener.id);
            return (
              <li key={listener.id} data-id={listener.id}>
                {row(listener)} listener <a href={href(`/listeners/${listener.id}`)}>{label(listener)}</a>
                {l && <span class="muted"> {String(l.protocol)}:{String(l.protocol_port)}</span>}
                <ul>
                  {(listener.pools ?? []).map((pool) => (
                    <li key={pool.id} data-id={pool.id}>
                      {row(pool)} pool <a href={href(`/pools/${pool.id}`)}>{label(pool)}</a>
                      <ul>
                        {pool.health_monitor && (
                          <li data-id={pool.health_monitor.id}>
                            {row(pool.health_monitor)} health monitor {pool.health_monitor.type}
                          </li>
                        )}
                        {(pool.members ?? []).map((member) => (
                          <li key={member.id} data-id={member.id} class="member">
                            {row(member)} member{' '}
                            <a href={href(`/pools/${pool.id}/members/${member.id}/edit`)}>
                              {member.address?.includes(':') ? `[${member.address}]` : member.address}:{member.protocol_port}
                            </a>
                            {member.name && <span class="muted"> {member.name}</span>}
                          </li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      </li>
    </ul>
  );
}
