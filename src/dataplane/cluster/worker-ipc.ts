// The worker's side of the IPC protocol: runs one in-process data plane and answers the primary.

import {
  isElbowMessage,
  WORKER_ENV,
  type MemberHealth,
  type PrimaryMessage,
  type WorkerMessage,
  type WorkerReplies,
  type WorkerRequest,
  type WorkerSettings,
} from './messages.js';
import { pruneMemberHealth } from './aggregate.js';
import { learnSticky, subscribeSticky, type StickyBinding } from '../sessions/sticky-sync.js';
import { patchSnapshot } from './snapshot-delta.js';
import { localSnapshot, type UdpOwners } from './udp-ownership.js';
import type { ApplyReport, Snapshot, SnapshotApplier } from '../../snapshot/snapshot.js';

/** What a worker needs from the in-process data plane. */
export interface WorkerDataPlane extends SnapshotApplier {
  close(drainMs?: number): Promise<void>;
  /** Member health decided elsewhere (by the probing worker); unknown member ids are ignored. */
  setMemberHealth(states: MemberHealth): void;
  /** This worker's own member statuses: a mirror's follow the probing worker's verdicts. */
  memberStatuses(): MemberHealth;
}

export interface WorkerRole {
  readonly slot: number;
  /** Exactly one worker runs the health probes; the others mirror its member states. */
  readonly probes: boolean;
  readonly settings: WorkerSettings;
}

export type WorkerDataPlaneFactory = (
  role: WorkerRole,
  /** For the probing worker: call with the members whose health changed. */
  reportMemberHealth: (states: MemberHealth) => void,
) => WorkerDataPlane | Promise<WorkerDataPlane>;

export function workerRoleFromEnv(env: NodeJS.ProcessEnv): WorkerRole {
  const settings = JSON.parse(env[WORKER_ENV.settings] ?? '{"logLevel":"info"}') as WorkerSettings;
  return { slot: Number(env[WORKER_ENV.slot] ?? 0), probes: env[WORKER_ENV.probes] === '1', settings };
}

export async function serveDataPlaneOverIpc(create: WorkerDataPlaneFactory): Promise<void> {
  const send = (message: WorkerMessage, callback?: () => void): void => {
    if (process.connected && process.send) process.send(message, undefined, {}, () => callback?.());
    else callback?.();
  };
  // The primary orchestrates shutdown (drain, then exit); a Ctrl-C or SIGTERM sent to the whole
  // process group must not kill workers before their connections drain.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);

  const role = workerRoleFromEnv(process.env);
  const dataPlane = await create(role, (states) => send({ kind: 'elbow:member-health', states }));
  shareStickyBindings(send);
  // Health relayed by the primary, kept so that members added by a later apply get theirs too.
  const relayedHealth: Record<string, string> = {};
  // The snapshot last received (applied or not): the base of the next delta.
  let current: Snapshot | undefined;
  const { slot } = role;

  const apply = async (snapshot: Snapshot, udpOwners: UdpOwners): Promise<ApplyReport> => {
    current = snapshot;
    pruneMemberHealth(relayedHealth, snapshot);
    const report = await dataPlane.apply(localSnapshot(snapshot, udpOwners, slot));
    dataPlane.setMemberHealth(relayedHealth);
    return report;
  };

  const answer = async (request: WorkerRequest): Promise<WorkerReplies[WorkerRequest['op']]> => {
    switch (request.op) {
      case 'apply':
        return apply(request.snapshot, request.udpOwners);
      case 'apply-delta':
        if (!current) throw new Error('a snapshot delta reached a worker that holds no snapshot');
        return apply(patchSnapshot(current, request.delta), request.udpOwners);
      case 'assign':
        return current ? apply(current, request.udpOwners) : null;
      case 'stats':
        return dataPlane.stats();
      case 'members':
        return dataPlane.memberStatuses();
      case 'metrics':
        return dataPlane.metrics();
      case 'close':
        await dataPlane.close(request.drainMs);
        return null;
    }
  };

  process.on('message', (raw: unknown) => {
    if (!isElbowMessage(raw)) return;
    const message = raw as PrimaryMessage;
    if (message.kind === 'elbow:sticky') {
      learnSticky(message.bindings);
      return;
    }
    if (message.kind === 'elbow:member-health') {
      Object.assign(relayedHealth, message.states);
      dataPlane.setMemberHealth(message.states);
      return;
    }
    const { id, request } = message;
    answer(request).then(
      (value) => send({ kind: 'elbow:reply', id, value }, request.op === 'close' ? () => process.exit(0) : undefined),
      (error: unknown) => send({ kind: 'elbow:reply', id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  send({ kind: 'elbow:started' });
}

/** Bindings this worker's traffic makes go to the primary in one message per event loop turn. */
function shareStickyBindings(send: (message: WorkerMessage) => void): void {
  let batch: StickyBinding[] = [];
  subscribeSticky((binding) => {
    if (batch.length === 0) {
      setImmediate(() => {
        const bindings = batch;
        batch = [];
        send({ kind: 'elbow:sticky', bindings });
      });
    }
    batch.push(binding);
  });
}
