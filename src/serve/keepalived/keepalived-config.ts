// keepalived's configuration, rendered from the load balancers placed on this node (pure).
//
// VIPs move between the nodes that serve them, so there is one VRRP instance per placement
// group: `all` for load balancers without an availability zone (every node takes part), and one
// for this node's zone (only that zone's nodes take part). Each instance tracks elbow's own
// /healthz: a node whose data plane stops answering goes to FAULT and gives its VIPs up.
// Loopback and wildcard VIPs are host-local and never move.

import { isIPv4, isIPv6 } from 'node:net';
import type { Snapshot } from '../../snapshot/snapshot.js';

export interface VrrpSettings {
  /** The interface VIPs are added to and VRRP adverts go out of. */
  readonly interface: string;
  /** 1–254: the highest priority among healthy nodes holds the VIPs. */
  readonly priority: number;
  /** The `all` group's virtual_router_id (1–255); a zone's is derived from it and the zone's name. */
  readonly routerId: number;
  /** Seconds between adverts; backups take over after about three missed. */
  readonly advertIntervalSeconds: number;
  /** Unicast peers (the other nodes' addresses on the interface); empty: multicast. */
  readonly peers: readonly string[];
  /** Keep the VIPs where they are when a node of higher priority comes back. */
  readonly nopreempt: boolean;
}

export const DEFAULT_VRRP: Omit<VrrpSettings, 'interface'> = { priority: 100, routerId: 51, advertIntervalSeconds: 1, peers: [], nopreempt: false };

/** One VRRP instance: a placement group and the VIPs it moves. */
export interface VipGroup {
  /** `all`, or the availability zone's name. */
  readonly name: string;
  readonly instance: string;
  readonly routerId: number;
  /** Sorted, IPv4 first. */
  readonly addresses: readonly string[];
}

export const ALL_GROUP = 'all';

/** The zone's own virtual_router_id: never the `all` group's, stable across nodes (from the zone's name). */
export function zoneRouterId(zone: string, base: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(zone)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return ((base + (hash % 254)) % 255) + 1;
}

function instanceName(group: string): string {
  return group === ALL_GROUP ? 'elbow_all' : `elbow_az_${group.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** Whether an address can float between hosts (not loopback, not a wildcard). */
export function isMovable(address: string): boolean {
  if (isIPv4(address)) return !address.startsWith('127.') && address !== '0.0.0.0';
  if (isIPv6(address)) return address !== '::' && address !== '::1' && !address.toLowerCase().startsWith('::ffff:127.');
  return false;
}

function byFamily(a: string, b: string): number {
  const family = (address: string) => (isIPv4(address) ? 0 : 1);
  return family(a) - family(b) || a.localeCompare(b);
}

/**
 * The groups of a node in `zone`, with the movable VIPs of what is placed on it: `all`, its zone,
 * and on a node bound to no zone (it serves every load balancer) each zone it serves.
 */
export function vipGroups(placed: Snapshot, zone: string | null, routerId: number): VipGroup[] {
  const addresses = new Map<string, Set<string>>([[ALL_GROUP, new Set()]]);
  if (zone !== null) addresses.set(zone, new Set());
  for (const listener of placed.listeners) {
    if (!isMovable(listener.address)) continue;
    const group = listener.availabilityZone ?? ALL_GROUP;
    if (!addresses.has(group)) addresses.set(group, new Set());
    addresses.get(group)?.add(listener.address);
  }
  return [...addresses].map(([name, found]) => ({
    name,
    instance: instanceName(name),
    routerId: name === ALL_GROUP ? routerId : zoneRouterId(name, routerId),
    addresses: [...found].sort(byFamily),
  }));
}

export interface KeepalivedConfigInput {
  readonly node: string;
  readonly settings: VrrpSettings;
  readonly groups: readonly VipGroup[];
  /** The command keepalived runs every second; exit 0 = elbow is healthy. */
  readonly healthCheck: string;
  /** The user keepalived runs the check as (the one elbow runs as). */
  readonly scriptUser: string;
}

function prefixed(address: string, settings: VrrpSettings): string {
  return `${address}/${isIPv4(address) ? 32 : 128} dev ${settings.interface}`;
}

export function renderKeepalivedConfig(input: KeepalivedConfigInput): string {
  const { settings } = input;
  const lines = [
    `# Written by elbow for node ${input.node}; rewritten on every change of the load balancers placed here.`,
    'global_defs {',
    `  router_id elbow_${input.node}`,
    // Version 3 allows sub-second advert intervals.
    '  vrrp_version 3',
    // The check runs as script_user; keepalived refuses scripts a less trusted user could replace.
    '  enable_script_security',
    `  script_user ${input.scriptUser}`,
    '}',
    '',
    'vrrp_script elbow_health {',
    `  script "${input.healthCheck}"`,
    '  interval 1',
    '  timeout 2',
    '  fall 2',
    '  rise 1',
    // A node starts failed: it takes no VIP before its own API says it serves.
    '  init_fail',
    '}',
  ];
  // keepalived refuses an instance without a VIP: a group takes part in VRRP once it has one.
  for (const group of input.groups.filter((each) => each.addresses.length > 0)) {
    const v4 = group.addresses.filter((address) => isIPv4(address));
    const v6 = group.addresses.filter((address) => !isIPv4(address));
    lines.push(
      '',
      `# ${group.name === ALL_GROUP ? 'load balancers without an availability zone: every node' : `availability zone ${group.name}: its nodes only`}`,
      `vrrp_instance ${group.instance} {`,
      '  state BACKUP',
      `  interface ${settings.interface}`,
      `  virtual_router_id ${group.routerId}`,
      `  priority ${settings.priority}`,
      `  advert_int ${settings.advertIntervalSeconds}`,
      ...(settings.nopreempt ? ['  nopreempt'] : []),
      ...(settings.peers.length > 0 ? ['  unicast_peer {', ...settings.peers.map((peer) => `    ${peer}`), '  }'] : []),
      '  track_script {',
      '    elbow_health',
      '  }',
      '  virtual_ipaddress {',
      ...v4.map((address) => `    ${prefixed(address, settings)}`),
      '  }',
      // An instance adverts over one family; VIPs of the other move with it, unannounced.
      ...(v6.length > 0 ? ['  virtual_ipaddress_excluded {', ...v6.map((address) => `    ${prefixed(address, settings)}`), '  }'] : []),
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}
