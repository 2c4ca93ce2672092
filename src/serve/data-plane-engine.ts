// Which engine carries the data plane (`elbow serve --engine node|haproxy`, docs/engines.md).
// node: the Node data plane, in this process or in worker processes, carries every protocol.
// haproxy: HAProxy (≥ 2.6, checked first) carries TCP, HTTP, HTTPS, TERMINATED_HTTPS and SSL; the
// Node data plane, in this process, keeps UDP (engines/split-applier.ts).

import type { FastifyBaseLogger } from 'fastify';
import { createClusteredDataPlane } from '../dataplane/cluster/clustered-dataplane.js';
import { createDataPlane } from '../dataplane/dataplane.js';
import { checkHaproxy, createHaproxyEngine } from '../engines/haproxy/engine.js';
import { SplitApplier, type ClosableApplier } from '../engines/split-applier.js';
import { LISTENER_PROTOCOLS } from '../model/types.js';
import type { RuntimeView } from '../snapshot/runtime-view.js';

export const ENGINE_NAMES = ['node', 'haproxy'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface EngineSettings {
  readonly name: EngineName;
  /** The haproxy executable (--haproxy-bin); default `haproxy` on PATH. */
  readonly haproxyBin?: string;
}

/** What GET / and the node registry show about the engine. */
// A type, not an interface: it travels as a plain JSON record (GET /, the node registry).
export type EngineInfo = {
  readonly name: EngineName;
  /** HAProxy's version with the haproxy engine; null with the node engine. */
  readonly haproxy_version: string | null;
  /** Engine name → the listener protocols it carries. */
  readonly protocols: Readonly<Record<string, readonly string[]>>;
};

export interface DataPlaneEngine {
  readonly applier: ClosableApplier;
  readonly info: EngineInfo;
}

/** The start line's account of the engine, e.g. "engine haproxy: TCP, HTTP, … (HAProxy 2.6.12); UDP on the node engine". */
export function describeEngine(info: EngineInfo): string {
  const own = info.protocols[info.name] ?? [];
  const version = info.haproxy_version === null ? '' : ` (HAProxy ${info.haproxy_version})`;
  const others = Object.entries(info.protocols)
    .filter(([name, protocols]) => name !== info.name && protocols.length > 0)
    .map(([name, protocols]) => `; ${protocols.join(', ')} on the ${name} engine`)
    .join('');
  return `engine ${info.name}: ${own.join(', ')}${version}${others}`;
}

/** Fails when the engine cannot run here (HAProxy missing or too old), saying how to install it. */
export async function checkEngine(settings: EngineSettings): Promise<string | null> {
  return settings.name === 'haproxy' ? checkHaproxy(settings.haproxyBin) : null;
}

export async function startEngine(
  settings: EngineSettings,
  haproxyVersion: string | null,
  /** `runtime`: the view the engine reports into (both halves of the haproxy engine, each its own part). */
  options: { dataDir: string; workers: number; drainMs: number; logger: FastifyBaseLogger; runtime: RuntimeView },
): Promise<DataPlaneEngine> {
  const { drainMs, logger } = options;
  if (settings.name === 'node' || haproxyVersion === null) {
    const runtime = options.runtime.part('node');
    const applier = options.workers === 0 ? createDataPlane({ drainMs, logger, runtime }) : createClusteredDataPlane({ workers: options.workers, drainMs, logger, logLevel: logger.level, runtime });
    return { applier, info: { name: 'node', haproxy_version: null, protocols: { node: [...LISTENER_PROTOCOLS] } } };
  }
  // HAProxy's threads take the place of the Node data plane's worker processes; UDP alone stays in this process.
  const haproxy = await createHaproxyEngine({ dataDir: options.dataDir, bin: settings.haproxyBin ?? 'haproxy', drainMs, threads: Math.max(1, options.workers), logger, runtime: options.runtime.part('haproxy') });
  const udp = createDataPlane({ drainMs, logger, runtime: options.runtime.part('udp') });
  return {
    applier: new SplitApplier(udp, haproxy),
    info: {
      name: 'haproxy',
      haproxy_version: haproxyVersion,
      protocols: { haproxy: LISTENER_PROTOCOLS.filter((protocol) => protocol !== 'UDP'), node: ['UDP'] },
    },
  };
}
