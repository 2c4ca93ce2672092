// A small network of namespaces for one test: a "switch" namespace holding a bridge, and one
// namespace per host joined to it by a veth pair (eth0 inside, 10.99.0.0/24). Nothing outside
// these namespaces is touched. Every namespace the lab made is deleted when it is destroyed, and
// also when the test process exits, however the test ended.
import { execFile, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SUBNET = '10.99.0';

const labsToDelete = new Set<string>();
process.on('exit', () => {
  for (const name of labsToDelete) spawnSync('ip', ['netns', 'del', name]);
});

/** Why namespaces cannot be used here, or undefined when they can. */
export async function netnsUnavailable(): Promise<string | undefined> {
  const probe = `elbowprobe${randomBytes(3).toString('hex')}`;
  try {
    await run('ip', ['netns', 'add', probe]);
    await run('ip', ['netns', 'del', probe]);
    return undefined;
  } catch (error) {
    return `cannot create network namespaces here (needs root and iproute2): ${(error as Error).message.split('\n')[0]}`;
  }
}

export interface LabHost {
  /** Its namespace's name. */
  readonly ns: string;
  /** Its address on the bridge, 10.99.0.x. */
  readonly address: string;
}

export class NetnsLab {
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();

  private constructor(private readonly prefix: string) {}

  /** Hosts by name, each with the last octet of its address. */
  static async create(hosts: Record<string, number>): Promise<{ lab: NetnsLab; hosts: Record<string, LabHost> }> {
    const lab = new NetnsLab(`elbow${process.pid.toString(36)}${randomBytes(2).toString('hex')}`);
    try {
      const made: Record<string, LabHost> = {};
      const sw = await lab.addNamespace('sw');
      await run('ip', ['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
      await run('ip', ['-n', sw, 'link', 'set', 'br0', 'up']);
      for (const [name, octet] of Object.entries(hosts)) {
        const ns = await lab.addNamespace(name);
        const address = `${SUBNET}.${octet}`;
        // Created inside the host's namespace, then one end moved to the switch: no interface ever
        // appears in the namespace the test runs in.
        await run('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${octet}`]);
        await run('ip', ['-n', ns, 'link', 'set', `p${octet}`, 'netns', sw]);
        await run('ip', ['-n', sw, 'link', 'set', `p${octet}`, 'master', 'br0', 'up']);
        await run('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
        await run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
        await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
        made[name] = { ns, address };
      }
      return { lab, hosts: made };
    } catch (error) {
      await lab.destroy();
      throw error;
    }
  }

  private async addNamespace(name: string): Promise<string> {
    const ns = `${this.prefix}-${name}`;
    labsToDelete.add(ns);
    this.namespaces.push(ns);
    await run('ip', ['netns', 'add', ns]);
    return ns;
  }

  /** Runs a command inside a namespace to completion. */
  async exec(ns: string, command: string, args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string }> {
    return run('ip', ['netns', 'exec', ns, command, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  }

  /** Starts a process inside a namespace (`ip netns exec` execs it: the pid is the command's own); killed at destroy. */
  spawn(ns: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Kills what the lab started (by pid), then deletes its namespaces (their interfaces go with them). */
  async destroy(): Promise<void> {
    const exits = [...this.children].map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve))));
    for (const child of this.children) child.kill('SIGKILL');
    await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    for (const ns of this.namespaces.reverse()) {
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      labsToDelete.delete(ns);
    }
  }
}
