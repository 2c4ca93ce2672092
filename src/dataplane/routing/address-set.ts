// A set of IPv4/IPv6 addresses given as CIDRs or single addresses, matched by node:net's BlockList
// (the kernel-grade matcher Node ships), so no CIDR arithmetic is written here. Inputs were
// validated by the model when stored; an entry that still does not parse is skipped.

import { BlockList, isIP } from 'node:net';

export interface AddressSet {
  has(address: string): boolean;
}

const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Strips the IPv4-mapped IPv6 prefix a dual-stack socket reports for IPv4 clients. */
export function plainAddress(address: string): string {
  return V4_MAPPED.exec(address)?.[1] ?? address;
}

export function createAddressSet(entries: readonly string[]): AddressSet {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefixText] = entry.trim().split('/');
    const family = isIP(plainAddress(address));
    if (family === 0) continue;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
    if (!Number.isInteger(prefix)) continue;
    list.addSubnet(plainAddress(address), prefix, type);
  }
  return {
    has(address: string): boolean {
      const plain = plainAddress(address);
      const family = isIP(plain);
      if (family === 0) return false;
      return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
