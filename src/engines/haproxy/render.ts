// Snapshot → HAProxy 2.6 configuration: pure. The result is the configuration text, the files it
// names (PEMs, crt-lists, CA files, address lists, fixed-response bodies, all under
// <data-dir>/haproxy) and its parts by listener and backend, which plan.ts compares to decide
// between runtime commands and a reload, and which attribute a configuration line to a listener.
// research-haproxy-engine.md §1–2 maps every field; docs/engines.md lists what differs.

import type { Snapshot, SnapshotListener } from '../../snapshot/snapshot.js';
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

export function renderConfig(snapshot: Snapshot, options: RenderOptions): Rendered {
  const files = new FileSet(options.dir);
  const frontends = new Map<string, RenderedFrontend>();
  const backends = new Map<string, RenderedBackend>();
  const noPool = new Set<BackendMode>();
  const sections: { text: string; listenerId?: string }[] = [{ text: head(options) }];

  for (const listener of servedListeners(snapshot, options.skipListeners)) {
    const mode: BackendMode = listener.protocol === 'TCP' || listener.protocol === 'SSL' ? 'tcp' : 'http';
    const ownBackends: RenderedBackend[] = [];
    const frontend = renderFrontend(listener, {
      files,
      accessLogTarget: options.accessLogTarget,
      backendOf: (poolId) => {
        const pool = poolId === null ? undefined : snapshot.pools[poolId];
        if (pool === undefined) return null;
        const name = backendName(pool.id, listener.id);
        if (!backends.has(name)) {
          const backend = renderBackend(listener, pool, mode, files);
          backends.set(name, backend);
          ownBackends.push(backend);
        }
        return name;
      },
      noPoolBackend: (backendMode) => {
        noPool.add(backendMode);
        return `elbow.no-pool.${backendMode}`;
      },
    });
    frontends.set(listener.id, frontend);
    sections.push({ text: frontend.text, listenerId: listener.id });
    for (const backend of ownBackends) sections.push({ text: [backend.header, ...backend.servers.map((server) => server.line)].join('\n'), listenerId: listener.id });
  }
  for (const mode of [...noPool].sort()) sections.push({ text: noPoolBackendText(mode) });

  // Line ranges per section, for attributing an ALERT's line number to a listener.
  const starts: { line: number; listenerId: string | undefined }[] = [];
  let line = 1;
  for (const section of sections) {
    starts.push({ line, listenerId: section.listenerId });
    line += section.text.split('\n').length + 1;
  }
  const text = `${sections.map((section) => section.text).join('\n\n')}\n`;
  const shared = [sections[0]?.text ?? '', ...[...noPool].sort().map(noPoolBackendText)].join('\n\n');
  return {
    revision: snapshot.revision,
    text,
    files: files.files,
    head: shared,
    frontends,
    backends,
    listenerAtLine(at) {
      let found: string | undefined;
      for (const start of starts) {
        if (start.line > at) break;
        found = start.listenerId;
      }
      return found;
    },
  };
}
