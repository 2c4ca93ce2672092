// The control plane: validate (schemas + rules), write in one store transaction, wait for the
// data plane to apply the new revision, answer with the resource as the API shows it.

import { ElbowError } from '../errors.js';
import { checkFieldsApply } from '../model/rules/field-applies.js';
import { perKind, sortableFields } from '../model/resources/catalog.js';
import { validateBodies, validateBody, type UpdateBody } from '../model/schemas.js';
import type { ResourceByKind, ResourceKind } from '../model/types.js';
import { DEFAULT_VIP_RANGE, type VipRange } from '../model/vip.js';
import type { ApplyReport, LiveStatus } from '../snapshot/snapshot.js';
import { ConfigMirror } from '../store/config-mirror.js';
import { UniqueViolation, type Store, type StoreTx } from '../store/store.js';
import type { ControlPlane, ListParams, ResourceView } from './control-plane.js';
import { fullLoadBalancerView } from './full-views.js';
import { mustGet, octaviaTimestamp, type MutationContext, type Parent } from './handlers/handler.js';
import { HANDLERS } from './handlers/registry.js';
import { applyListQuery } from './list-query.js';
import { replaceMembers } from './member-batch.js';
import { defaultQuotaView, resetQuota, setQuota } from './quotas.js';
import { createWithNested } from './single-create.js';
import { statusTree, sumStats } from './status-tree.js';
import { StatusRollup } from './statuses.js';
import { conflictError, recordingTx, type Write } from './unique-conflicts.js';
import { Relations, renderView } from './views.js';

export interface ControlPlaneOptions {
  store: Store;
  /** The configuration in memory that reads render from; one over `store` when not given (serve shares it with the snapshot publisher). */
  mirror?: ConfigMirror;
  /** Builds the snapshot of `revision` and applies it in the data plane (wired by main). */
  publish?: (revision: number) => Promise<ApplyReport>;
  /** The data plane's live state, for statuses and stats. */
  liveStatus?: () => Promise<LiveStatus>;
  /** The project every resource belongs to (elbow has one tenant). Default "elbow". */
  projectId?: string;
  /** Where VIPs are allocated from. Default 127.0.1.1–127.255.255.254 (design.md §4). */
  vipRange?: VipRange;
  /**
   * How old the live state may be when rendering statuses; default 0 (asked on every read).
   * Asking every worker costs a round trip carrying every member's health and every listener's
   * counters, a lot to pay on each API answer at scale, while health probes run seconds apart:
   * serve allows a second. Listener errors of an apply newer than the live state come from that
   * apply's report. Stats are always asked afresh.
   */
  liveStatusMaxAgeMs?: number;
}

/** Kinds addressed under a parent in the URL, and the parent's field. */
const PARENT_FIELD: Partial<Record<ResourceKind, keyof Parent>> = { member: 'pool_id', l7rule: 'l7policy_id' };
/** The mirror's index listing a parent's children. */
const PARENT_INDEX = { pool_id: 'membersByPool', l7policy_id: 'rulesByPolicy' } as const;
const PARENT_KIND: Record<keyof Parent, ResourceKind> = { pool_id: 'pool', l7policy_id: 'l7policy' };
/** What each kind's lists may be sorted by. */
const SORTABLE = perKind((kind) => new Set(sortableFields(kind)));

/** NOT_FOUND when a member / l7rule is asked for under another parent than its own. */
function checkParent(kind: ResourceKind, resource: ResourceByKind[ResourceKind], parent: Parent | undefined): void {
  const field = PARENT_FIELD[kind];
  const wanted = field ? parent?.[field] : undefined;
  if (field && wanted !== undefined && (resource as unknown as Record<string, unknown>)[field] !== wanted) {
    throw new ElbowError('NOT_FOUND', { kind, id: resource.id });
  }
}

export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  const { store } = options;
  const mirror = options.mirror ?? new ConfigMirror(store);
  const projectId = options.projectId ?? 'elbow';
  const vipRange = options.vipRange ?? DEFAULT_VIP_RANGE;
  let lastListenerErrors: Readonly<Record<string, string>> = {};
  let lastAppliedAt = 0;
  const liveStatusMaxAgeMs = options.liveStatusMaxAgeMs ?? 0;
  let liveCache: { askedAt: number; value: Promise<LiveStatus | null> } | undefined;

  const context = (parent: Parent = {}, cascade = false, requestProject?: string): MutationContext => ({
    projectId: requestProject || projectId,
    vipRange,
    now: octaviaTimestamp(new Date()),
    parent,
    cascade,
  });

  /** One transaction; a unique-index hit becomes the 409 naming the winner; then the apply. Returns the revision too. */
  async function mutate<T>(fn: (tx: StoreTx) => Promise<T>): Promise<{ value: T; revision: number }> {
    let lastWrite: Write | undefined;
    let committed: { value: T; revision: number };
    try {
      committed = await store.transaction((tx) => fn(recordingTx(tx, (write) => (lastWrite = write))));
    } catch (error) {
      if (error instanceof UniqueViolation) throw await conflictError(error, lastWrite, store);
      throw error;
    }
    await publishRevision(committed.revision);
    return committed;
  }

  async function publishRevision(revision: number): Promise<void> {
    if (!options.publish) return;
    try {
      lastListenerErrors = (await options.publish(revision)).listenerErrors;
      lastAppliedAt = performance.now();
    } catch (error) {
      throw new ElbowError('APPLY_FAILED', { revision, detail: error instanceof Error ? error.message : String(error) });
    }
  }

  async function askLive(): Promise<LiveStatus | null> {
    if (!options.liveStatus) return null;
    try {
      return await options.liveStatus();
    } catch {
      // A data plane that cannot answer leaves statuses as configured rather than failing reads.
      return null;
    }
  }

  /** The live state for statuses, asked since `since` or at most liveStatusMaxAgeMs old; concurrent reads share one question. */
  function recentLive(since: number): { askedAt: number; value: Promise<LiveStatus | null> } {
    const now = performance.now();
    if (liveCache === undefined || liveCache.askedAt < since || now - liveCache.askedAt > liveStatusMaxAgeMs) liveCache = { askedAt: now, value: askLive() };
    return liveCache;
  }

  /**
   * Renders with the mirror at least at `revision` (else at the store's latest) and statuses.
   * Recent live state serves for listener errors; member health, should the answer show any,
   * is asked afresh (a read must not miss a probe's verdict that came before it).
   */
  async function rendered<T>(render: (relations: Relations, statuses: StatusRollup) => T, revision?: number): Promise<T> {
    const started = performance.now();
    const world = async (live: { askedAt: number; value: Promise<LiveStatus | null> }) => {
      const status = await live.value;
      // An apply after the live state was asked knows the listeners' errors better.
      const listenerErrors = status === null || lastAppliedAt > live.askedAt ? lastListenerErrors : status.listenerErrors;
      return new StatusRollup(mirror, status, listenerErrors);
    };
    const live = recentLive(-Infinity);
    if (revision === undefined || mirror.revision < revision) await mirror.sync();
    const relations = new Relations(mirror);
    let statuses = await world(live);
    let result = render(relations, statuses);
    if (statuses.usedMemberHealth && live.askedAt < started) {
      statuses = await world(recentLive(started));
      result = render(relations, statuses);
    }
    return result;
  }

  function show(kind: ResourceKind, id: string, parent?: Parent, revision?: number): Promise<ResourceView> {
    return rendered((relations, statuses) => {
      const resource = mirror.get(kind, id);
      // Every project has a quota: the defaults until one is set.
      if (!resource && kind === 'quota') return defaultQuotaView(id);
      if (!resource) throw new ElbowError('NOT_FOUND', { kind, id });
      checkParent(kind, resource, parent);
      return renderView(kind, resource, relations, statuses);
    }, revision);
  }

  return {
    async create(kind, body, parent, request) {
      const input = validateBody(kind, 'create', body) as Record<string, unknown>;
      // With what its body nests (single-create.ts), in the one transaction.
      const created = await mutate((tx) => createWithNested(tx, kind, input, context(parent, false, request?.projectId)));
      if (kind !== 'loadbalancer') return show(kind, created.value.id, undefined, created.revision);
      // Octavia answers a load balancer create with its listeners and pools in full.
      return rendered((relations, statuses) => {
        const lb = mirror.get('loadbalancer', created.value.id);
        if (!lb) throw new ElbowError('NOT_FOUND', { kind, id: created.value.id });
        return fullLoadBalancerView(lb, relations, statuses);
      }, created.revision);
    },

    async update(kind, id, body, parent) {
      const input = validateBody(kind, 'update', body);
      if (kind === 'quota') {
        // A project's quota is created by its first update (Octavia's PUT /quotas/{project_id}).
        const set = await mutate((tx) => setQuota(tx, id, input as UpdateBody<'quota'>, context()));
        return show(kind, id, undefined, set.revision);
      }
      const updated = await mutate(async (tx) => {
        const current = await mustGet(tx, kind, id);
        checkParent(kind, current, parent);
        const resource = await (HANDLERS[kind].update as (tx: StoreTx, cur: unknown, b: unknown, c: MutationContext) => Promise<object>)(tx, current, input, context(parent));
        checkFieldsApply(kind, resource);
        return resource;
      });
      return show(kind, id, undefined, updated.revision);
    },

    async remove(kind, id, removeOptions) {
      if (kind === 'quota') {
        await mutate((tx) => resetQuota(tx, id));
        return;
      }
      const parent: Parent = { pool_id: removeOptions?.pool_id, l7policy_id: removeOptions?.l7policy_id };
      await mutate(async (tx) => {
        const current = await mustGet(tx, kind, id);
        checkParent(kind, current, parent);
        await (HANDLERS[kind].remove as (tx: StoreTx, cur: unknown, c: MutationContext) => Promise<void>)(tx, current, context(parent, removeOptions?.cascade ?? false));
      });
    },

    show: (kind, id, parent) => show(kind, id, parent),

    quotaDefaults: async (projectId) => defaultQuotaView(projectId),

    async replaceMembers(poolId, members, { additiveOnly }) {
      const wanted = validateBodies('member', 'create', members, 'members');
      await mutate(async (tx) => replaceMembers(tx, await mustGet(tx, 'pool', poolId), wanted, additiveOnly, context({ pool_id: poolId })));
    },

    list(kind: ResourceKind, params: ListParams, parent?: Parent) {
      return rendered((relations, statuses) => listViews(kind, params, parent, relations, statuses));
    },

    statusTree(loadbalancerId) {
      return rendered((relations, statuses) => {
        const lb = mirror.get('loadbalancer', loadbalancerId);
        if (!lb) throw new ElbowError('NOT_FOUND', { kind: 'loadbalancer', id: loadbalancerId });
        return statusTree(lb, relations, statuses);
      });
    },

    async stats(kind, id) {
      const [live] = await Promise.all([askLive(), mirror.sync()]);
      if (mirror.get(kind, id) === undefined) throw new ElbowError('NOT_FOUND', { kind, id });
      const listenerIds = kind === 'listener' ? [id] : mirror.children('listenersByLb', id).map((l) => l.id);
      return { stats: sumStats(listenerIds, live?.listeners) };
    },
  };

  /** A list's views: the kind's resources, or a parent's children, rendered and filtered. */
  function listViews(kind: ResourceKind, params: ListParams, parent: Parent | undefined, relations: Relations, statuses: StatusRollup): ResourceView[] {
    let resources = mirror.list(kind) as readonly ResourceByKind[ResourceKind][];
    const field = PARENT_FIELD[kind];
    const parentId = field ? parent?.[field] : undefined;
    if (field && parentId !== undefined) {
      if (mirror.byId(parentId) === undefined) throw new ElbowError('NOT_FOUND', { kind: PARENT_KIND[field], id: parentId });
      resources = mirror.children(PARENT_INDEX[field], parentId);
    }
    return applyListQuery(
      resources.map((r) => renderView(kind, r, relations, statuses)),
      params,
      SORTABLE[kind],
    );
  }
}
