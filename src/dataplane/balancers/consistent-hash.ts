// SOURCE_IP and SOURCE_IP_PORT: weighted rendezvous hashing (highest random weight). Each
// candidate scores weight / -ln(u) with u a hash of (client key, member id) in (0, 1); the
// highest score wins. A client's choice depends only on the candidates' own scores, so removing
// (or marking down) a member moves only the clients it had, and adding one takes only its
// weight's share. O(members) per pick, which is small next to a connect.

import type { ClientAddress, MemberRuntime } from '../listener-runtime.js';
import type { Balancer } from './balancer.js';
import { fnv1a } from '../hashing/fnv1a.js';

const TWO_POW_32 = 4294967296;

/** murmur3's finalizer: spreads every input bit over the whole word. */
function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createConsistentHashBalancer(keyOf: (client: ClientAddress) => string): Balancer {
  const memberHashes = new Map<string, number>();
  const memberHash = (id: string): number => {
    let hash = memberHashes.get(id);
    if (hash === undefined) {
      hash = mix(fnv1a(id) ^ 0x9e3779b9);
      if (memberHashes.size > 4096) memberHashes.clear();
      memberHashes.set(id, hash);
    }
    return hash;
  };
  return {
    pick(candidates, client) {
      const key = mix(fnv1a(keyOf(client)));
      let best = candidates[0] as MemberRuntime;
      let bestScore = -Infinity;
      for (const member of candidates) {
        const u = (mix(key ^ memberHash(member.id)) + 0.5) / TWO_POW_32;
        const score = member.config.weight / -Math.log(u);
        if (score > bestScore) {
          best = member;
          bestScore = score;
        }
      }
      return best;
    },
  };
}
