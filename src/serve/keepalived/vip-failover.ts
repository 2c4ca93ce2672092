// VIP failover with keepalived (VRRP): the VIPs of the load balancers placed on this node, held
// by whichever healthy node has the highest priority in each placement group. Started once the
// node serves and its API answers; follows every apply; stopped first at shutdown.

import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Snapshot } from '../../snapshot/snapshot.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { findExecutable } from './executables.js';
import { vipGroups, type VrrpSettings } from './keepalived-config.js';
import { KeepalivedSupervisor } from './keepalived-process.js';

export interface VipFailoverOptions {
  readonly settings: VrrpSettings;
  readonly keepalivedBinary: string;
  /** Where keepalived's files go. */
  readonly dir: string;
  readonly node: string;
  readonly zone: string | null;
  /** This node's /healthz, as keepalived's check asks it. */
  readonly healthUrl: string;
  /** What is placed on the node now, and each placed snapshot applied from now on. */
  readonly placed: { readonly lastPlaced: Snapshot | undefined; onApplied(listener: (placed: Snapshot) => void): () => void };
  readonly logger: FastifyBaseLogger;
}

const NOTHING: Snapshot = { revision: 0, listeners: [], pools: {} };

export class VipFailover {
  private constructor(
    private readonly supervisor: KeepalivedSupervisor,
    private readonly settings: VrrpSettings,
    private readonly unsubscribe: () => void,
    private readonly updates: SerialQueue,
  ) {}

  static async start(options: VipFailoverOptions): Promise<VipFailover> {
    const { settings, logger } = options;
    const keepalived = await findExecutable(options.keepalivedBinary);
    if (keepalived === undefined) throw new Error(`VIP failover needs keepalived: "${options.keepalivedBinary}" was not found (Debian: apt-get install keepalived)`);
    const curl = await findExecutable('curl');
    if (curl === undefined) throw new Error("VIP failover needs curl for keepalived's health check of elbow (Debian: apt-get install curl)");
    await warnWithoutNonlocalBind(logger);
    const supervisor = new KeepalivedSupervisor({
      binary: keepalived,
      dir: options.dir,
      node: options.node,
      settings,
      healthCheck: `${curl} -fsS -m 1 -o /dev/null ${options.healthUrl}`,
      scriptUser: userInfo().username,
      logger,
    });
    const groupsOf = (placed: Snapshot) => vipGroups(placed, options.zone, settings.routerId);
    await supervisor.start(groupsOf(options.placed.lastPlaced ?? NOTHING));
    const updates = new SerialQueue();
    const unsubscribe = options.placed.onApplied((placed) => {
      void updates.run(() => supervisor.update(groupsOf(placed))).catch((error: unknown) => logger.error({ err: error }, 'could not update keepalived'));
    });
    return new VipFailover(supervisor, settings, unsubscribe, updates);
  }

  /** For the node's heartbeat: the VRRP state of each group with VIPs. */
  details(): Record<string, unknown> {
    return { interface: this.settings.interface, priority: this.settings.priority, states: this.supervisor.vrrpStates() };
  }

  /** keepalived leaves: it removes the VIPs and tells the backups to take over at once. */
  async stop(): Promise<void> {
    this.unsubscribe();
    await this.updates.idle();
    await this.supervisor.stop();
  }
}

/**
 * A backup node binds the VIPs it does not hold yet (so it can take over at once): that needs
 * net.ipv4.ip_nonlocal_bind (and net.ipv6.ip_nonlocal_bind for IPv6 VIPs), as Octavia's amphorae set.
 */
async function warnWithoutNonlocalBind(logger: FastifyBaseLogger): Promise<void> {
  const setting = await readFile('/proc/sys/net/ipv4/ip_nonlocal_bind', 'utf8').catch(() => '1');
  if (setting.trim() !== '1') {
    logger.warn(
      'net.ipv4.ip_nonlocal_bind is 0: listeners on VIPs this node does not hold yet cannot bind (EADDRNOTAVAIL); set it: sysctl -w net.ipv4.ip_nonlocal_bind=1 net.ipv6.ip_nonlocal_bind=1',
    );
  }
}
