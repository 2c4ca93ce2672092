// The control plane: validate (schemas + rules), write in one store transaction, wait for the
// data plane to apply the new revision, answer with the resource as the API shows it.

import { ElbowError } from '../errors.js';
import { validateBody } from '../model/schemas.js';
import type { ResourceByKind, ResourceKind } from '../model/types.js';
import { DEFAULT_VIP_RANGE, type VipRange } from '../model/vip.js';
import type { ApplyReport, LiveStatus } from '../snapshot/snapshot.js';
import { UniqueViolation, type Store, type StoreContents, type StoreTx } from '../store/store.js';
import type { ControlPlane, ListParams, ResourceView } from './control-plane.js';
import { mustGet, octaviaTimestamp, type MutationContext, type Parent } from './handlers/handler.js';
import { HANDLERS } from './handlers/registry.js';
import { applyListQuery } from './list-query.js';
import { statusTree, sumStats } from './status-tree.js';
import { computeStatuses } from './statuses.js';
import { conflictError, recordingTx, type Write } from './unique-conflicts.js';
import { Relations, renderView } from './views.js';

export interface ControlPlaneOptions {
  store: Store;
  /** Builds the snapshot of `revision` and applies it in the data plane (wired by main). */
  publish?: (revision: number) => Promise<ApplyReport>;
  /** The data plane's live state, for statuses and stats. */
  liveStatus?: () => Promise<LiveStatus>;
  /** The project every resource belongs to (elbow has one tenant). Default "elbow". */
  projectId?: string;
  /** Where VIPs are allocated from. Default 127.0.1.1–127.255.255.254 (design.md §4). */
  vipRange?: VipRange;
}

/** Kinds addressed under a parent in the URL, and the parent's field. */
const PARENT_FIELD: Partial<Record<ResourceKind, keyof Parent>> = { member: 'pool_id', l7rule: 'l7policy_id' };
const PARENT_KIND: Record<keyof Parent, ResourceKind> = { pool_id: 'pool', l7policy_id: 'l7policy' };

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
  const projectId = options.projectId ?? 'elbow';
  const vipRange = options.vipRange ?? DEFAULT_VIP_RANGE;
  let lastListenerErrors: Readonly<Record<string, string>> = {};

  const context = (parent: Parent = {}, cascade = false): MutationContext => ({
    projectId,
    vipRange,
    now: octaviaTimestamp(new Date()),
    parent,
    cascade,
  });

  /** One transaction; a unique-index hit becomes the 409 naming the winner; then the apply. */
  async function mutate<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    let lastWrite: Write | undefined;
    let committed: { value: T; revision: number };
    try {
      committed = await store.transaction((tx) => fn(recordingTx(tx, (write) => (lastWrite = write))));
    } catch (error) {
      if (error instanceof UniqueViolation) throw await conflictError(error, lastWrite, store);
      throw error;
    }
    await publishRevision(committed.revision);
    return committed.value;
  }

  async function publishRevision(revision: number): Promise<void> {
    if (!options.publish) return;
    try {
      lastListenerErrors = (await options.publish(revision)).listenerErrors;
    } catch (error) {
      throw new ElbowError('APPLY_FAILED', { revision, detail: error instanceof Error ? error.message : String(error) });
    }
  }

  async function readLive(): Promise<LiveStatus | null> {
    if (!options.liveStatus) return null;
    try {
      return await options.liveStatus();
    } catch {
      // A data plane that cannot answer leaves statuses as configured rather than failing reads.
      return null;
    }
  }

  /** Everything needed to render views, read once. */
  async function readWorld(): Promise<{ contents: StoreContents; relations: Relations; statuses: ReturnType<typeof computeStatuses>; live: LiveStatus | null }> {
    const [contents, live] = await Promise.all([store.readAll(), readLive()]);
    return { contents, relations: new Relations(contents.resources), statuses: computeStatuses(contents.resources, live, lastListenerErrors), live };
  }

  async function show(kind: ResourceKind, id: string, parent?: Parent): Promise<ResourceView> {
    const { contents, relations, statuses } = await readWorld();
    const resource = (contents.resources[kind] as ResourceByKind[ResourceKind][]).find((r) => r.id === id);
    if (!resource) throw new ElbowError('NOT_FOUND', { kind, id });
    checkParent(kind, resource, parent);
    return renderView(kind, resource, relations, statuses);
  }

  return {
    async create(kind, body, parent) {
      const input = validateBody(kind, 'create', body);
      const created = await mutate((tx) => (HANDLERS[kind].create as (tx: StoreTx, b: unknown, c: MutationContext) => Promise<{ id: string }>)(tx, input, context(parent)));
      return show(kind, created.id);
    },

    async update(kind, id, body, parent) {
      const input = validateBody(kind, 'update', body);
      await mutate(async (tx) => {
        const current = await mustGet(tx, kind, id);
        checkParent(kind, current, parent);
        return (HANDLERS[kind].update as (tx: StoreTx, cur: unknown, b: unknown, c: MutationContext) => Promise<unknown>)(tx, current, input, context(parent));
      });
      return show(kind, id);
    },

    async remove(kind, id, removeOptions) {
      const parent: Parent = { pool_id: removeOptions?.pool_id, l7policy_id: removeOptions?.l7policy_id };
      await mutate(async (tx) => {
        const current = await mustGet(tx, kind, id);
        checkParent(kind, current, parent);
        await (HANDLERS[kind].remove as (tx: StoreTx, cur: unknown, c: MutationContext) => Promise<void>)(tx, current, context(parent, removeOptions?.cascade ?? false));
      });
    },

    show,

    async list(kind: ResourceKind, params: ListParams, parent?: Parent) {
      const { contents, relations, statuses } = await readWorld();
      let resources = contents.resources[kind] as ResourceByKind[ResourceKind][];
      const field = PARENT_FIELD[kind];
      const parentId = field ? parent?.[field] : undefined;
      if (field && parentId !== undefined) {
        if (!relations.byId.has(parentId)) throw new ElbowError('NOT_FOUND', { kind: PARENT_KIND[field], id: parentId });
        resources = resources.filter((r) => (r as unknown as Record<string, unknown>)[field] === parentId);
      }
      return applyListQuery(
        resources.map((r) => renderView(kind, r, relations, statuses)),
        params,
      );
    },

    async statusTree(loadbalancerId) {
      const { contents, relations, statuses } = await readWorld();
      const lb = contents.resources.loadbalancer.find((l) => l.id === loadbalancerId);
      if (!lb) throw new ElbowError('NOT_FOUND', { kind: 'loadbalancer', id: loadbalancerId });
      return statusTree(lb, relations, statuses);
    },

    async stats(kind, id) {
      const { relations, live } = await readWorld();
      if (!(relations.resources[kind] as { id: string }[]).some((r) => r.id === id)) throw new ElbowError('NOT_FOUND', { kind, id });
      const listenerIds = kind === 'listener' ? [id] : (relations.listenersByLb.get(id) ?? []).map((l) => l.id);
      return { stats: sumStats(listenerIds, live?.listeners) };
    },
  };
}

