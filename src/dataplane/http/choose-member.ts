// The member a request goes to: the one its session cookie names when that member is available
// (and not excluded by a retry), else the pool's pick (algorithm and SOURCE_IP persistence).

import type { ClientAddress, MemberRuntime, PoolRuntime } from '../listener-runtime.js';

export function chooseMember(pool: PoolRuntime, client: ClientAddress, boundMemberId: string | undefined, exclude: ReadonlySet<string>): MemberRuntime | undefined {
  if (boundMemberId !== undefined && !exclude.has(boundMemberId)) {
    const bound = pool.availableMember(boundMemberId);
    if (bound) return bound;
  }
  return pool.pick(client, exclude);
}
