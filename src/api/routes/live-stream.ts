// GET …/loadbalancers/{id}/stream: one load balancer, live, as Server-Sent Events (docs/api.md).
// Each tick sends the status tree when it changed (`status`), every listener's rates and latency
// (`stats`), and member state changes (`member`, the recent ones first when the stream opens).
// Built only from what the API already has: the status tree, the metrics text and the member timeline.
import type { FastifyInstance } from 'fastify';
import type { ControlPlane } from '../../control/control-plane.js';
import type { MemberTimeline } from '../../control/member-timeline.js';
import { ElbowError } from '../../errors.js';
import { listenerSample, readListenerCounters, type ListenerCounters } from '../live/listener-counters.js';
import type { Query } from '../query.js';

export interface LiveStreamSources {
  control: ControlPlane;
  metrics?: () => Promise<string>;
  timeline?: MemberTimeline;
}

const DEFAULT_INTERVAL_S = 1;
const MAX_INTERVAL_S = 60;
/** A client this far behind (bytes queued) is too slow to follow; its stream is closed. */
const MAX_QUEUED_BYTES = 1024 * 1024;
/** Several streams ticking together read the metrics text once. */
const METRICS_REUSE_MS = 250;

interface StatusNode {
  id: string;
  listeners?: StatusNode[];
  pools?: StatusNode[];
  members?: StatusNode[];
}

export function registerLiveStream(app: FastifyInstance, sources: LiveStreamSources): void {
  const readMetrics = sharedReader(sources.metrics ?? (async () => ''), METRICS_REUSE_MS);
  // A stream never ends by itself: closing the server ends them, or its close would wait forever.
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const close of [...open]) close();
  });

  app.get<{ Params: { id: string } }>('/loadbalancers/:id/stream', async (request, reply) => {
    const intervalS = intervalOf(request.query as Query);
    const loadbalancerId = request.params.id;
    // Unknown id: a 404 before the stream starts.
    await sources.control.statusTree(loadbalancerId);

    void reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies in front (nginx) must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    out.write(`retry: 3000\n\n`);

    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      open.delete(close);
      clearTimeout(timer);
      out.end();
    };
    open.add(close);
    request.raw.once('close', close);
    out.once('close', close);
    const send = (event: string, data: unknown, id?: number) => {
      if (closed) return;
      out.write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`);
      if (out.writableLength > MAX_QUEUED_BYTES) out.destroy();
    };

    let lastTree = '';
    let lastSeq = 0;
    let previous: { at: number; counters: Map<string, ListenerCounters> } | undefined;
    const tick = async () => {
      let tree: Record<string, unknown>;
      try {
        tree = await sources.control.statusTree(loadbalancerId);
      } catch (err) {
        if (err instanceof ElbowError && err.code === 'NOT_FOUND') {
          send('gone', { id: loadbalancerId });
          close();
          return;
        }
        throw err;
      }
      const treeText = JSON.stringify(tree);
      if (treeText !== lastTree) {
        lastTree = treeText;
        send('status', tree);
      }
      const lb = (tree as { statuses?: { loadbalancer?: StatusNode } }).statuses?.loadbalancer;
      const listeners = lb?.listeners ?? [];
      if (sources.timeline !== undefined) {
        const members = new Set(listeners.flatMap((l) => (l.pools ?? []).flatMap((p) => (p.members ?? []).map((m) => m.id))));
        for (const change of sources.timeline.since(lastSeq, members)) send('member', change, change.seq);
        lastSeq = sources.timeline.latestSeq;
      }
      const at = Date.now();
      const counters = readListenerCounters(await readMetrics(), new Set(listeners.map((l) => l.id)));
      const seconds = previous === undefined ? 0 : (at - previous.at) / 1000;
      const samples = Object.fromEntries([...counters].map(([id, now]) => [id, listenerSample(now, previous?.counters.get(id), seconds)]));
      previous = { at, counters };
      send('stats', { time: new Date(at).toISOString(), interval_s: Math.round(seconds * 1000) / 1000, listeners: samples });
    };
    const loop = () => {
      tick()
        .catch((err: unknown) => request.log.warn({ err, loadbalancer: loadbalancerId }, 'live stream tick failed'))
        .finally(() => {
          if (!closed) timer = setTimeout(loop, intervalS * 1000);
        });
    };
    loop();
  });
}

function intervalOf(query: Query): number {
  const raw = query.interval;
  if (raw === undefined) return DEFAULT_INTERVAL_S;
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_INTERVAL_S) {
    throw new ElbowError('INVALID_QUERY', { field: 'interval', detail: `an integer number of seconds from 1 to ${MAX_INTERVAL_S}` });
  }
  return value;
}

/** One read shared by every caller within `reuseMs` of it. */
function sharedReader(read: () => Promise<string>, reuseMs: number): () => Promise<string> {
  let last: { at: number; value: Promise<string> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at > reuseMs) last = { at: now, value: read().catch(() => '') };
    return last.value;
  };
}
