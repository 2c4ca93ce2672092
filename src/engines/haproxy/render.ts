// Snapshot → HAProxy 2.6 configuration: pure. The result is the configuration text, the files it
// names (PEMs, crt-lists, CA files, address lists, fixed-response bodies, all under
// <data-dir>/haproxy) and its parts by listener and backend, which plan.ts compares to decide
// between runtime commands and a reload, and which attribute a configuration line to a listener.
// research-haproxy-engine.md §1–2 maps every field; docs/engines.md lists what differs.

import type { Snapshot, SnapshotListener, SnapshotPool } from '../../snapshot/snapshot.js';
import { ms, quoted } from './config-syntax.js';
import { renderBackend, backendName, type BackendMode, type RenderedBackend } from './render-backend.js';
import { FileSet, type RenderedFile } from './render-files.js';
import { renderFrontend, type RenderedFrontend } from './render-frontend.js';

export interface RenderOptions {
  /** Absolute path of <data-dir>/haproxy: every file the configuration names lives under it. */
  readonly dir: string;
  /** hard-stop-after: how long an old worker may keep connections after a reload (--drain-timeout). */
  readonly hardStopAfterMs: number;
  /** nbthread. */
  readonly threads: number;
  /** `host:port` of elbow's access-log receiver (UDP syslog), or null when none runs. */
  readonly accessLogTarget: string | null;
  /** Listeners left out (their address could not be bound); they are ERROR with a reason. */
  readonly skipListeners?: ReadonlySet<string>;
  /** Global maxconn; undefined: HAProxy's default from the file descriptor limit. */
  readonly maxConnections?: number;
}

export interface Rendered {
  readonly revision: number;
  readonly text: string;
  /** Relative path → content and kind. */
  readonly files: ReadonlyMap<string, RenderedFile>;
  /** global, defaults and the shared backends: any change is a reload. */
  readonly head: string;
  readonly frontends: ReadonlyMap<string, RenderedFrontend>;
  readonly backends: ReadonlyMap<string, RenderedBackend>;
  /** The listener whose section holds a configuration line (1-based), for ALERT attribution. */
  listenerAtLine(line: number): string | undefined;
}

const NO_POOL_BODY = '503 Service Unavailable: the listener has no default pool\n';

function head(options: RenderOptions): string {
  const global = [
    '# Rendered by elbow from its configuration: edits are overwritten.',
    'global',
    `    nbthread ${Math.max(1, options.threads)}`,
    ...(options.maxConnections !== undefined ? [`    maxconn ${options.maxConnections}`] : []),
    `    hard-stop-after ${ms(options.hardStopAfterMs)}`,
    `    server-state-file ${quoted(`${options.dir}/server-state`)}`,
    '    tune.ssl.default-dh-param 2048',
    '',
    'defaults',
    '    mode tcp',
    '    timeout connect 5s',
    '    timeout client 50s',
    '    timeout server 50s',
    '    retries 3',
    '    option redispatch 1',
    '    load-server-state-from-file global',
    // Idle member connections are shared by every client connection, as the Node engine's pools.
    '    http-reuse always',
  ];
  return global.join('\n');
}

function noPoolBackendText(mode: BackendMode): string {
  const name = `elbow.no-pool.${mode}`;
  if (mode === 'http') {
    return [`backend ${name}`, '    mode http', `    http-request return status 503 content-type "text/plain; charset=utf-8" string ${quoted(NO_POOL_BODY)} hdr cache-control no-store`].join('\n');
  }
  return [`backend ${name}`, '    mode tcp', '    tcp-request content reject'].join('\n');
}

/** Listeners HAProxy serves: every enabled one but UDP (the Node data plane's) and those skipped. */
export function servedListeners(snapshot: Snapshot, skip: ReadonlySet<string> = new Set()): SnapshotListener[] {
  return snapshot.listeners.filter((listener) => listener.enabled && listener.transport === 'tcp' && !skip.has(listener.id));
}

/**
 * One listener's share of a render: its frontend, its backends, the files they name, and which
 * shared "no pool" backends it sends to. It depends on the listener, the pools it looks up and
 * the options only, so it is reused while those are the same objects (the incremental snapshot
 * keeps unchanged listeners and pools as the very same objects).
 */
interface ListenerPart {
  /** Each pool id the render looked up, and what it found (undefined: not in the snapshot). */
  readonly pools: ReadonlyMap<string, SnapshotPool | undefined>;
  readonly options: PartOptions;
  readonly frontend: RenderedFrontend;
  readonly backends: readonly RenderedBackend[];
  readonly files: ReadonlyMap<string, RenderedFile>;
  readonly noPool: ReadonlySet<BackendMode>;
  /** The frontend and backend sections, separated by blank lines. */
  readonly text: string;
  /** Lines the part takes in the configuration, the blank line after it included. */
  readonly lines: number;
}

/** What of the options a listener's part depends on. */
interface PartOptions {
  readonly dir: string;
  readonly accessLogTarget: string | null;
}

/**
 * Listener parts of earlier renders, by listener object: a part is reused when the listener is
 * the same object, every pool it looked up is too, and the options it used are the same. Weak:
 * a listener no snapshot holds any more takes its part with it.
 */
export class RenderCache {
  private readonly parts = new WeakMap<SnapshotListener, ListenerPart>();
  /** Listener parts rendered (not reused) so far: for tests. */
  rendered = 0;

  part(listener: SnapshotListener, snapshot: Snapshot, options: PartOptions): ListenerPart {
    const cached = this.parts.get(listener);
    if (cached !== undefined && reusable(cached, snapshot, options)) return cached;
    const part = renderListener(listener, snapshot, options);
    this.rendered++;
    this.parts.set(listener, part);
    return part;
  }
}

function reusable(part: ListenerPart, snapshot: Snapshot, options: PartOptions): boolean {
  if (part.options.dir !== options.dir || part.options.accessLogTarget !== options.accessLogTarget) return false;
  for (const [id, pool] of part.pools) if (snapshot.pools[id] !== pool) return false;
  return true;
}

function renderListener(listener: SnapshotListener, snapshot: Snapshot, options: PartOptions): ListenerPart {
  const files = new FileSet(options.dir);
  const pools = new Map<string, SnapshotPool | undefined>();
  const backends = new Map<string, RenderedBackend>();
  const noPool = new Set<BackendMode>();
  const mode: BackendMode = listener.protocol === 'TCP' || listener.protocol === 'SSL' ? 'tcp' : 'http';
  const frontend = renderFrontend(listener, {
    files,
    accessLogTarget: options.accessLogTarget,
    backendOf: (poolId) => {
      if (poolId === null) return null;
      const pool = snapshot.pools[poolId];
      pools.set(poolId, pool);
      if (pool === undefined) return null;
      const name = backendName(pool.id, listener.id);
      if (!backends.has(name)) backends.set(name, renderBackend(listener, pool, mode, files));
      return name;
    },
    noPoolBackend: (backendMode) => {
      noPool.add(backendMode);
      return `elbow.no-pool.${backendMode}`;
    },
  });
  const sections = [frontend.text, ...[...backends.values()].map((backend) => [backend.header, ...backend.servers.map((server) => server.line)].join('\n'))];
  const text = sections.join('\n\n');
  return {
    pools,
    options: { dir: options.dir, accessLogTarget: options.accessLogTarget },
    frontend,
    backends: [...backends.values()],
    files: files.files,
    noPool,
    text,
    lines: text.split('\n').length + 1,
  };
}

/**
 * The configuration for a snapshot. With a cache, listeners whose part is still valid are not
 * rendered again (the text is the same either way).
 */
export function renderConfig(snapshot: Snapshot, options: RenderOptions, cache: RenderCache = new RenderCache()): Rendered {
  const files = new Map<string, RenderedFile>();
  const frontends = new Map<string, RenderedFrontend>();
  const backends = new Map<string, RenderedBackend>();
  const noPool = new Set<BackendMode>();
  const headText = head(options);
  const texts = [headText];
  // Where each listener's lines start, for attributing an ALERT's line number to a listener.
  const starts: { line: number; listenerId: string | undefined }[] = [{ line: 1, listenerId: undefined }];
  let line = headText.split('\n').length + 2;
  const partOptions: PartOptions = { dir: options.dir, accessLogTarget: options.accessLogTarget };
  for (const listener of servedListeners(snapshot, options.skipListeners)) {
    const part = cache.part(listener, snapshot, partOptions);
    frontends.set(listener.id, part.frontend);
    for (const backend of part.backends) backends.set(backend.name, backend);
    for (const [name, file] of part.files) files.set(name, file);
    for (const mode of part.noPool) noPool.add(mode);
    texts.push(part.text);
    starts.push({ line, listenerId: listener.id });
    line += part.lines;
  }
  const shared = [...noPool].sort().map(noPoolBackendText);
  if (shared.length > 0) starts.push({ line, listenerId: undefined });
  const text = `${[...texts, ...shared].join('\n\n')}\n`;
  return {
    revision: snapshot.revision,
    text,
    files,
    head: [headText, ...shared].join('\n\n'),
    frontends,
    backends,
    listenerAtLine(at) {
      // The last start at or before the line.
      let low = 0;
      let high = starts.length - 1;
      if (at < (starts[0]?.line ?? 1)) return undefined;
      while (low < high) {
        const middle = Math.ceil((low + high) / 2);
        if ((starts[middle]?.line ?? Infinity) <= at) low = middle;
        else high = middle - 1;
      }
      return starts[low]?.listenerId;
    },
  };
}
