// The `elbow` command: `elbow serve` wired here, every client command from src/cli.
// Every flag can also come from an ELBOW_* environment variable (design.md §6).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { registerClientCommands } from './cli/commands.js';
import { DEFAULT_DATA_DIR } from './serve/data-dir.js';
import { DEFAULT_API_ADDRESS, parseListenAddress, type ListenAddress } from './serve/listen-address.js';
import { createJsonLogger, isLogLevel, LOG_LEVELS, type LogLevel } from './logging/json-logger.js';

interface ServeFlags {
  dataDir: string;
  api: ListenAddress;
  store: string;
  workers: number;
  engine: 'node' | 'haproxy';
  haproxyBin: string;
  drainTimeout: number;
  logLevel: LogLevel;
  demo: boolean;
  nodeName?: string;
  availabilityZone?: string;
  heartbeatInterval: number;
  vrrpInterface?: string;
  vrrpPriority: number;
  vrrpRouterId: number;
  vrrpAdvertInterval: number;
  vrrpPeers?: string[];
  vrrpNopreempt?: boolean;
  keepalivedBin: string;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('elbow')
    .description('A self-hosted elastic load balancer with an OpenStack Octavia–compatible API')
    .version(packageVersion());
  program
    .command('serve')
    .description('Run the API and the data plane')
    .addOption(new Option('--data-dir <dir>', 'data directory: store, API token').env('ELBOW_DATA_DIR').default(DEFAULT_DATA_DIR))
    .addOption(new Option('--api <host:port>', 'API listen address (port 0 picks a free one)').env('ELBOW_API').default(parseListenAddress(DEFAULT_API_ADDRESS), DEFAULT_API_ADDRESS).argParser(asCliError(parseListenAddress)))
    .addOption(new Option('--store <spec>', '"sqlite" (a file in the data directory) or a postgres:// URL').env('ELBOW_STORE').default('sqlite'))
    .addOption(new Option('--engine <engine>', 'data plane engine: node (built in, every protocol) or haproxy (HAProxy >= 2.6 carries TCP/HTTP/HTTPS/SSL, node keeps UDP; docs/engines.md)').env('ELBOW_ENGINE').choices(['node', 'haproxy']).default('node'))
    .addOption(new Option('--haproxy-bin <path>', 'the haproxy executable, for --engine haproxy').env('ELBOW_HAPROXY_BIN').default('haproxy'))
    .addOption(new Option('--workers <n>', 'data plane worker processes; 0 runs the data plane inside this process (--engine haproxy: HAProxy threads)').env('ELBOW_WORKERS').default(availableParallelism(), 'one per CPU').argParser(nonNegativeInteger))
    .addOption(new Option('--drain-timeout <seconds>', 'on shutdown, how long open connections may take to finish').env('ELBOW_DRAIN_TIMEOUT').default(10).argParser(nonNegativeInteger))
    .addOption(new Option('--log-level <level>', 'log level').env('ELBOW_LOG_LEVEL').choices(LOG_LEVELS).default('info'))
    .addOption(new Option('--demo', 'create a demo load balancer with two built-in backends').env('ELBOW_DEMO'))
    .addOption(new Option('--node-name <name>', 'this node\'s name among the nodes sharing the store (default: the host name)').env('ELBOW_NODE_NAME'))
    .addOption(new Option('--availability-zone <az>', 'serve only the load balancers of this availability zone (and those without one); default: every load balancer').env('ELBOW_AVAILABILITY_ZONE'))
    .addOption(new Option('--heartbeat-interval <seconds>', 'seconds between heartbeats; a node is shown down after three missed').env('ELBOW_HEARTBEAT_INTERVAL').default(2).argParser(positiveSeconds))
    .addOption(new Option('--vrrp-interface <interface>', 'move VIPs between nodes: run keepalived (VRRP) on this interface').env('ELBOW_VRRP_INTERFACE'))
    .addOption(new Option('--vrrp-priority <1-254>', "this node's VRRP priority: the healthy node with the highest holds the VIPs").env('ELBOW_VRRP_PRIORITY').default(100).argParser(integerFrom(1, 254)))
    .addOption(new Option('--vrrp-router-id <1-255>', "virtual_router_id of the VIPs without a zone (a zone's is derived from it)").env('ELBOW_VRRP_ROUTER_ID').default(51).argParser(integerFrom(1, 255)))
    .addOption(new Option('--vrrp-advert-interval <seconds>', 'seconds between VRRP adverts; backups take over after three missed').env('ELBOW_VRRP_ADVERT_INTERVAL').default(1).argParser(positiveSeconds))
    .addOption(new Option('--vrrp-peers <addresses>', 'the other nodes\' addresses, comma-separated: unicast VRRP instead of multicast').env('ELBOW_VRRP_PEERS').argParser(addressList))
    .addOption(new Option('--vrrp-nopreempt', 'a returning node of higher priority leaves the VIPs where they are').env('ELBOW_VRRP_NOPREEMPT'))
    .addOption(new Option('--keepalived-bin <path>', 'the keepalived executable').env('ELBOW_KEEPALIVED_BIN').default('keepalived'))
    .addHelpText('after', '\nThe API token comes from ELBOW_API_TOKEN, else <data-dir>/api-token (created on first start).')
    .action(async (flags: ServeFlags) => {
      const level = isLogLevel(flags.logLevel) ? flags.logLevel : 'info';
      const logger = createJsonLogger(level);
      // Loaded only here: client commands start without fastify, SQLite and the data plane.
      const { handleProcessEvents, serve } = await import('./serve/serve.js');
      const server = serve({
        dataDir: flags.dataDir,
        api: flags.api,
        store: flags.store,
        workers: flags.workers,
        engine: { name: flags.engine, haproxyBin: flags.haproxyBin },
        drainTimeoutMs: flags.drainTimeout * 1000,
        demo: flags.demo === true,
        version: packageVersion(),
        logger,
        tokenFromEnvironment: process.env.ELBOW_API_TOKEN,
        announce: (line) => process.stdout.write(`${line}\n`),
        node: {
          name: flags.nodeName,
          zone: flags.availabilityZone ?? null,
          heartbeatIntervalMs: flags.heartbeatInterval * 1000,
          vrrp:
            flags.vrrpInterface === undefined
              ? undefined
              : {
                  interface: flags.vrrpInterface,
                  priority: flags.vrrpPriority,
                  routerId: flags.vrrpRouterId,
                  advertIntervalSeconds: flags.vrrpAdvertInterval,
                  peers: flags.vrrpPeers ?? [],
                  nopreempt: flags.vrrpNopreempt === true,
                  keepalivedBinary: flags.keepalivedBin,
                },
        },
      });
      handleProcessEvents(server, logger);
      await server;
    });
  registerClientCommands(program);
  await program.parseAsync(argv);
}

// Run directly (`node --import tsx src/main.ts serve`, as the end-to-end tests do); bin/elbow.js
// imports the built module and calls main itself.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).catch((err: unknown) => {
    process.stderr.write(`elbow: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}

function packageVersion(): string {
  // ../package.json from both src/main.ts (tsx) and dist/main.js (built).
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function nonNegativeInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new InvalidArgumentError('expected a whole number (0, 1, 2, …)');
  return value;
}

function positiveSeconds(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0.1) throw new InvalidArgumentError('expected a number of seconds, at least 0.1');
  return value;
}

function integerFrom(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return value;
  };
}

function addressList(text: string): string[] {
  const addresses = text.split(',').map((each) => each.trim()).filter((each) => each !== '');
  const bad = addresses.find((address) => isIP(address) === 0);
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not an IP address`);
  return addresses;
}

function asCliError<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (err) {
      throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
    }
  };
}
