// The API's live stream (GET /v2/lbaas/loadbalancers/{id}/stream, Server-Sent Events) read with
// fetch: EventSource cannot send the X-Auth-Token header. Reconnects after a drop.
import { authHeaders } from './client';

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export interface ListenerSample {
  active_connections: number;
  connections_per_s: number | null;
  requests_per_s: Record<StatusClass, number> | null;
  bytes_in_per_s: number | null;
  bytes_out_per_s: number | null;
  errors_per_s: number | null;
  latency_ms: { p50: number | null; p99: number | null };
}

export interface StatsEvent {
  time: string;
  interval_s: number;
  listeners: Record<string, ListenerSample>;
}

export interface MemberChange {
  seq: number;
  time: string;
  member_id: string;
  from: string | null;
  to: string;
}

export interface StatusNode {
  id: string;
  name?: string;
  provisioning_status?: string;
  operating_status?: string;
  address?: string;
  protocol_port?: number;
  type?: string;
  listeners?: StatusNode[];
  pools?: StatusNode[];
  members?: StatusNode[];
  health_monitor?: StatusNode;
}

export interface StreamHandlers {
  status?: (tree: StatusNode) => void;
  stats?: (stats: StatsEvent) => void;
  member?: (change: MemberChange) => void;
  gone?: () => void;
  connected?: (up: boolean) => void;
}

const RETRY_MS = 3000;

/** Follows one load balancer's stream until the returned function is called. */
export function followLoadBalancer(id: string, handlers: StreamHandlers): () => void {
  const controller = new AbortController();
  let stopped = false;
  const run = async () => {
    while (!stopped) {
      try {
        const response = await fetch(`/v2/lbaas/loadbalancers/${encodeURIComponent(id)}/stream`, {
          headers: { ...authHeaders(), Accept: 'text/event-stream' },
          signal: controller.signal,
        });
        if (response.status === 404) {
          handlers.gone?.();
          return;
        }
        if (!response.ok || response.body === null) throw new Error(`stream answered ${response.status}`);
        handlers.connected?.(true);
        await readEvents(response.body, (event, data) => dispatch(handlers, event, data));
        if (stopped) return;
      } catch {
        if (stopped) return;
      }
      handlers.connected?.(false);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}

function dispatch(handlers: StreamHandlers, event: string, data: string): void {
  const value: unknown = JSON.parse(data);
  if (event === 'status') handlers.status?.((value as { statuses: { loadbalancer: StatusNode } }).statuses.loadbalancer);
  else if (event === 'stats') handlers.stats?.(value as StatsEvent);
  else if (event === 'member') handlers.member?.(value as MemberChange);
  else if (event === 'gone') handlers.gone?.();
}

/** Server-Sent Events framing: `event:` and `data:` lines, a blank line ends an event. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) onEvent(event, data.join('\n'));
    }
  }
}
