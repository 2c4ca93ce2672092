// A load balancer's vip_address: an IP literal of this host, used by no other load balancer.

import { ElbowError } from '../../errors.js';
import { normalizeIp } from '../cidr.js';
import type { LoadBalancer } from '../types.js';

/** The address in canonical form; VIP_INVALID when it is not an IP address. */
export function checkVipAddress(address: string): string {
  const normalized = normalizeIp(address);
  if (normalized === null) throw new ElbowError('VIP_INVALID', { address, detail: 'not an IPv4 or IPv6 address' });
  return normalized;
}

/** VIP_IN_USE when another load balancer already has this address. */
export function checkVipFree(address: string, others: readonly Pick<LoadBalancer, 'id' | 'vip_address'>[], selfId?: string): void {
  const owner = others.find((lb) => lb.id !== selfId && (normalizeIp(lb.vip_address) ?? lb.vip_address) === address);
  if (owner) throw new ElbowError('VIP_IN_USE', { address, id: owner.id });
}

/** Octavia needs one of the VIP fields to know where the load balancer lives (VIP_REQUIRED). */
export function checkVipRequested(body: Partial<Pick<LoadBalancer, 'vip_address' | 'vip_port_id' | 'vip_subnet_id' | 'vip_network_id'>>): void {
  const given = [body.vip_address, body.vip_port_id, body.vip_subnet_id, body.vip_network_id].some((v) => v !== undefined && v !== null && v !== '');
  if (!given) throw new ElbowError('VIP_REQUIRED');
}
