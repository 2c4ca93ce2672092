// The primary's side of one worker process: requests with replies, applies in order, and the
// worker's own messages. Lives as long as the process; every pending request fails when it exits.

import type { Worker } from 'node:cluster';
import type { ApplyReport, Snapshot } from '../../snapshot/snapshot.js';
import {
  isElbowMessage,
  type MemberHealth,
  type PrimaryMessage,
  type WorkerMessage,
  type WorkerReplies,
  type WorkerRequest,
} from './messages.js';
import type { StickyBinding } from '../sessions/sticky-sync.js';
import type { DeltaEncoder } from './snapshot-delta.js';
import type { UdpOwners } from './udp-ownership.js';
import { SerialQueue } from '../../util/serial-queue.js';

/** A request that could not be answered because the worker exited (or its channel closed). */
export class WorkerGoneError extends Error {
  constructor(pid: number | undefined) {
    super(`data plane worker ${pid ?? '?'} exited`);
    this.name = 'WorkerGoneError';
  }
}

/** A worker that did not answer within the bound given (it may be hung). */
export class WorkerTimeoutError extends Error {
  constructor(pid: number | undefined, op: string, timeoutMs: number) {
    super(`data plane worker ${pid ?? '?'} did not answer ${op} within ${timeoutMs} ms`);
    this.name = 'WorkerTimeoutError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export interface WorkerChannelEvents {
  started(): void;
  memberHealth(states: MemberHealth): void;
  sticky(bindings: readonly StickyBinding[]): void;
}

export class WorkerChannel {
  readonly pid: number | undefined;
  readonly startedAt = Date.now();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Applies run one after another, so a worker never sees revisions out of order. */
  private readonly applyQueue = new SerialQueue();
  /** The snapshot this worker was last sent: the base of the next delta. */
  private lastSent: Snapshot | undefined;
  private gone = false;

  constructor(readonly worker: Worker, events: WorkerChannelEvents) {
    this.pid = worker.process.pid;
    worker.on('message', (message: unknown) => {
      if (!isElbowMessage(message)) return;
      this.receive(message as WorkerMessage, events);
    });
    worker.on('exit', () => this.fail());
    worker.on('disconnect', () => this.fail());
  }

  get alive(): boolean {
    return !this.gone;
  }

  request<K extends WorkerRequest['op']>(
    request: Extract<WorkerRequest, { op: K }>,
    timeoutMs?: number,
  ): Promise<WorkerReplies[K]> {
    if (this.gone) return Promise.reject(new WorkerGoneError(this.pid));
    const id = this.nextId++;
    return new Promise<WorkerReplies[K]>((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        this.pending.delete(id);
        reject(new WorkerTimeoutError(this.pid, request.op, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.send({ kind: 'elbow:request', id, request });
    });
  }

  /** Queues an apply behind the ones already sent; after the first, only what changed is sent. */
  apply(snapshot: Snapshot, encoder: DeltaEncoder, udpOwners: UdpOwners, timeoutMs: number): Promise<ApplyReport> {
    return this.inOrder(() => {
      const base = this.lastSent;
      this.lastSent = snapshot;
      return base
        ? this.request({ op: 'apply-delta', delta: encoder.encode(base, snapshot), udpOwners }, timeoutMs)
        : this.request({ op: 'apply', snapshot, udpOwners }, timeoutMs);
    });
  }

  /** Queues new UDP listener owners behind the applies already sent. */
  assign(udpOwners: UdpOwners): Promise<ApplyReport | null> {
    return this.inOrder(() => this.request({ op: 'assign', udpOwners }));
  }

  private inOrder<T>(task: () => Promise<T>): Promise<T> {
    return this.applyQueue.run(task);
  }

  send(message: PrimaryMessage): void {
    if (this.gone || !this.worker.isConnected()) return;
    this.worker.send(message, (error: Error | null) => {
      if (error) this.fail();
    });
  }

  private receive(message: WorkerMessage, events: WorkerChannelEvents): void {
    switch (message.kind) {
      case 'elbow:started':
        events.started();
        return;
      case 'elbow:member-health':
        events.memberHealth(message.states);
        return;
      case 'elbow:sticky':
        events.sticky(message.bindings);
        return;
      case 'elbow:reply': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        clearTimeout(pending.timer);
        if ('error' in message) pending.reject(new Error(message.error));
        else pending.resolve(message.value);
      }
    }
  }

  private fail(): void {
    if (this.gone) return;
    this.gone = true;
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new WorkerGoneError(this.pid));
    }
    this.pending.clear();
  }
}
