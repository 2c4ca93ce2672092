// Member state changes as a timeline, newest first: when, which member, from what to what.
import type { MemberChange } from '../api/live-stream';
import type { ApiObject } from '../api/client';
import { href } from '../router';
import { Badge } from './status';

export function Timeline({ changes, members }: { changes: MemberChange[]; members: Map<string, ApiObject> }) {
  if (changes.length === 0) return <p class="muted">No member state changes seen yet.</p>;
  return (
    <ol class="timeline" aria-label="member state changes">
      {[...changes].reverse().map((change) => {
        const member = members.get(change.member_id);
        const name = member ? `${String(member.address)}:${String(member.protocol_port)}${member.name ? ` ${String(member.name)}` : ''}` : change.member_id.slice(0, 8);
        return (
          <li key={change.seq} data-to={change.to}>
            <time dateTime={change.time}>{new Date(change.time).toLocaleTimeString()}</time>
            {member ? <a href={href(`/pools/${String(member.pool_id)}/members/${member.id}/edit`)}>{name}</a> : <span>{name}</span>}
            <span class="change">
              {change.from === null ? <span class="muted">seen</span> : <Badge status={change.from} />} → <Badge status={change.to} />
            </span>
          </li>
        );
      })}
    </ol>
  );
}
