// `elbow serve`: the process wiring. Store → control plane → snapshot publisher → data plane,
// the API in front, and an orderly shutdown on SIGTERM/SIGINT (design.md §5, §6).
import type { FastifyBaseLogger } from 'fastify';
import { createApiServer } from '../api/server.js';
import { createControlPlane } from '../control/create-control-plane.js';
import { MemberTimeline } from '../control/member-timeline.js';
import { RuntimeView } from '../snapshot/runtime-view.js';
import { IncrementalSnapshotBuilder } from '../snapshot/incremental-snapshot.js';
import { ConfigMirror } from '../store/config-mirror.js';
import { openStore } from '../store/open-store.js';
import { loadOrCreateToken, tokenFilePath } from './api-token.js';
import { checkEngine, describeEngine, startEngine, type EngineInfo, type EngineSettings } from './data-plane-engine.js';
import { prepareDataDir } from './data-dir.js';
import { startDemo, type Demo } from './demo.js';
import type { ListenAddress } from './listen-address.js';
import { urlOf } from './listen-address.js';
import { NodeRuntime, type NodeSettings } from './node/node-runtime.js';
import { SnapshotPublisher } from './snapshot-publisher.js';


export interface ServeOptions {
  dataDir: string;
  api: ListenAddress;
  /** 'sqlite' or a postgres:// URL. */
  store: string;
  /** Data plane worker processes; 0 = the data plane runs in this process. With the haproxy engine: HAProxy's threads. */
  workers: number;
  /** Which engine carries the data plane; default node (docs/engines.md). */
  engine?: EngineSettings;
  /** How long open connections may take to finish on shutdown. */
  drainTimeoutMs: number;
  demo: boolean;
  version: string;
  logger: FastifyBaseLogger;
  /** ELBOW_API_TOKEN, when set. */
  tokenFromEnvironment: string | undefined;
  /** Where the startup lines (the engine, the API address, the demo's hint) go; stdout. */
  announce: (line: string) => void;
  /** This node among the nodes sharing the store: name, availability zone, heartbeat (docs/operations.md). */
  node?: NodeSettings;
}

export interface RunningServer {
  readonly url: string;
  readonly engine: EngineInfo;
  /** Stops accepting API requests, drains the data plane within the bound, closes the store. */
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { logger } = options;
  const engineSettings = options.engine ?? { name: 'node' };
  // Before anything is opened: a missing HAProxy fails the start with the way to install it.
  const haproxyVersion = await checkEngine(engineSettings);
  const dataDir = await prepareDataDir(options.dataDir, logger);
  const token = await loadOrCreateToken(dataDir, options.tokenFromEnvironment);
  const store = await openStore(options.store, dataDir);
  // Shared by the control plane and the snapshot publisher: the configuration in memory, kept up
  // to date by the store's change log.
  const mirror = new ConfigMirror(store);
  const node = await NodeRuntime.create({ settings: options.node ?? {}, dataDir, version: options.version, store, mirror, logger });
  const cleanups: (() => Promise<void>)[] = [() => store.close()];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((err: unknown) => logger.error({ err }, 'error during shutdown'));
    }
  };
  try {
    // What the data plane runs, pushed by the engine as it happens; statuses in API answers are read from it.
    const runtime = new RuntimeView();
    // Member state changes for the live stream's `member` events, recorded from the first apply on.
    const timeline = new MemberTimeline();
    runtime.onMemberChange((change) => timeline.record(change));
    const engine = await startEngine(engineSettings, haproxyVersion, { dataDir, workers: options.workers, drainMs: options.drainTimeoutMs, logger, runtime });
    const { applier } = engine;
    // The data plane bounds its own drain; the extra second covers a worker that hangs on exit.
    cleanups.push(() => withinBound(applier.close(options.drainTimeoutMs), options.drainTimeoutMs + 1000, logger));
    const publisher = new SnapshotPublisher(mirror, node.place(applier), new IncrementalSnapshotBuilder(mirror));
    node.watch(applier, () => publisher.last);
    const control = createControlPlane({
      store,
      mirror,
      nodes: node.directory((loadBalancerId) => publisher.reapply(loadBalancerId), token),
      publish: () => publisher.publish(),
      runtime,
      stats: async () => (await applier.stats()).listeners,
      engine: engine.info.name,
    });
    const first = await publisher.publish();
    logger.info({ revision: first.revision, listenerErrors: first.listenerErrors, store: store.kind }, 'applied the stored configuration');
    // Changes committed by other nodes sharing a PostgreSQL store arrive here too.
    const unsubscribe = store.onChange(() => {
      publisher.publish().catch((err: unknown) => logger.error({ err }, 'could not apply a new store revision'));
    });
    cleanups.push(async () => unsubscribe());

    const app = createApiServer({ control, token, metrics: () => applier.metrics(), timeline, logger, version: options.version, nodeList: node.list, health: () => node.report(), engine: engine.info });
    // On shutdown the node says it stopped (and hands its VIPs over) before the data plane drains.
    cleanups.push(() => node.stop());
    cleanups.push(() => app.close());
    await app.listen({ host: options.api.host, port: options.api.port });
    const address = app.server.address();
    const url = urlOf({ host: options.api.host, port: typeof address === 'object' && address !== null ? address.port : options.api.port });
    const tokenSource = options.tokenFromEnvironment?.trim() ? 'token from ELBOW_API_TOKEN' : `token in ${tokenFilePath(dataDir)}`;
    await node.start({ apiUrl: url, catchUp: () => publisher.publish(), appliedRevision: () => publisher.last?.revision ?? null, engine: engine.info });
    options.announce(`elbow API listening on ${url} (${tokenSource})`);
    options.announce(describeEngine(engine.info));

    if (options.demo) {
      const demo: Demo = await startDemo(control);
      // The backends must outlive the API but not the data plane's drain: close them right after the API.
      cleanups.splice(cleanups.length - 1, 0, () => demo.close());
      options.announce(`demo: curl ${demo.url}`);
    }
    return { url, engine: engine.info, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Waits for a closing step, but no longer than the bound (then logs and moves on). */
async function withinBound(closing: Promise<void>, boundMs: number, logger: FastifyBaseLogger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), boundMs);
  });
  const outcome = await Promise.race([closing.then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') logger.warn({ boundMs }, 'data plane did not drain within the bound; closing anyway');
}

/**
 * SIGTERM/SIGINT: close in order and exit 0; a second signal exits at once. Installed before
 * start-up so that a signal during it waits for the start, then closes. An uncaught exception is
 * logged as one JSON line before the process exits 1, as Node would.
 */
export function handleProcessEvents(server: Promise<RunningServer>, logger: FastifyBaseLogger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.then((running) => running.close()).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const onFatal = (err: unknown) => {
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
}
