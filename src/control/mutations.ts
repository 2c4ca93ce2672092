// Changes to the configuration: each one runs its kind's handler in one store transaction (a
// unique-index hit becomes the 409 naming the winner), then waits until the data plane has
// applied the new revision (design.md §3: changes apply synchronously).

import { ElbowError } from '../errors.js';
import { checkEngineLimits, type EngineName } from '../model/rules/engine-limits.js';
import { checkFieldsApply } from '../model/rules/field-applies.js';
import type { CreateBody, UpdateBody } from '../model/schemas.js';
import type { ResourceKind } from '../model/types.js';
import type { VipRange } from '../model/vip.js';
import type { ApplyReport } from '../snapshot/snapshot.js';
import { UniqueViolation, type Store, type StoreTx } from '../store/store.js';
import { mustGet, octaviaTimestamp, type MutationContext, type Parent } from './handlers/handler.js';
import { HANDLERS } from './handlers/registry.js';
import { replaceMembers } from './member-batch.js';
import { checkParent } from './parents.js';
import { resetQuota, setQuota } from './quotas.js';
import { createWithNested } from './single-create.js';
import { conflictError, recordingTx, type Write } from './unique-conflicts.js';

type UpdateFn = (tx: StoreTx, current: unknown, body: unknown, ctx: MutationContext) => Promise<object>;
type RemoveFn = (tx: StoreTx, current: unknown, ctx: MutationContext) => Promise<void>;

export interface MutationOptions {
  readonly store: Store;
  /** Builds the snapshot of `revision` and applies it in the data plane. */
  readonly publish?: (revision: number) => Promise<ApplyReport>;
  readonly projectId: string;
  readonly vipRange: VipRange;
  /** The data plane engine: values it cannot honour are refused (model/rules/engine-limits.ts). */
  readonly engine?: EngineName;
}

export class Mutations {
  constructor(private readonly options: MutationOptions) {}

  /** Creates from a validated body, with what it nests (single-create.ts), in one transaction; returns the new id and the revision it was applied at. */
  async create(kind: ResourceKind, body: Record<string, unknown>, parent?: Parent, requestProject?: string): Promise<{ id: string; revision: number }> {
    const { value, revision } = await this.mutate((tx) => createWithNested(tx, kind, body, this.context(parent, false, requestProject)));
    return { id: value.id, revision };
  }

  /** Makes a pool's members the given list (Octavia's batch member update); additiveOnly keeps the others. */
  async replaceMembers(poolId: string, wanted: readonly CreateBody<'member'>[], additiveOnly: boolean): Promise<void> {
    await this.mutate(async (tx) => replaceMembers(tx, await mustGet(tx, 'pool', poolId), wanted, additiveOnly, this.context({ pool_id: poolId })));
  }

  /** Updates from a validated body; returns the revision it was applied at. */
  async update(kind: ResourceKind, id: string, body: unknown, parent?: Parent): Promise<number> {
    const { revision } = await this.mutate(async (tx) => {
      const current = await mustGet(tx, kind, id);
      checkParent(kind, current, parent);
      const resource = await (HANDLERS[kind].update as UpdateFn)(tx, current, body, this.context(parent));
      checkFieldsApply(kind, resource);
      checkEngineLimits(kind, resource, this.options.engine);
      return resource;
    });
    return revision;
  }

  /** A project's quota is created by its first update (Octavia's PUT /quotas/{project_id}); returns the revision. */
  async setQuota(projectId: string, body: UpdateBody<'quota'>): Promise<number> {
    return (await this.mutate((tx) => setQuota(tx, projectId, body, this.context()))).revision;
  }

  /** Back to the default quotas. */
  async resetQuota(projectId: string): Promise<void> {
    await this.mutate((tx) => resetQuota(tx, projectId));
  }

  async remove(kind: ResourceKind, id: string, parent: Parent, cascade: boolean): Promise<void> {
    await this.mutate(async (tx) => {
      const current = await mustGet(tx, kind, id);
      checkParent(kind, current, parent);
      await (HANDLERS[kind].remove as RemoveFn)(tx, current, this.context(parent, cascade));
    });
  }

  /** `requestProject`: the request's project (X-Project-Id), else the default one. */
  private context(parent: Parent = {}, cascade = false, requestProject?: string): MutationContext {
    return {
      projectId: requestProject || this.options.projectId,
      vipRange: this.options.vipRange,
      now: octaviaTimestamp(new Date()),
      parent,
      cascade,
      ...(this.options.engine !== undefined ? { engine: this.options.engine } : {}),
    };
  }

  /** One transaction; a unique-index hit becomes the 409 naming the winner; then the apply. */
  private async mutate<T>(fn: (tx: StoreTx) => Promise<T>): Promise<{ value: T; revision: number }> {
    const { store } = this.options;
    let lastWrite: Write | undefined;
    let committed: { value: T; revision: number };
    try {
      committed = await store.transaction((tx) => fn(recordingTx(tx, (write) => (lastWrite = write))));
    } catch (error) {
      if (error instanceof UniqueViolation) throw await conflictError(error, lastWrite, store);
      throw error;
    }
    await this.publish(committed.revision);
    return committed;
  }

  private async publish(revision: number): Promise<void> {
    const { publish } = this.options;
    if (!publish) return;
    try {
      // The engines reported the apply into the runtime view before it resolves: the answer rendered next shows its listener errors.
      await publish(revision);
    } catch (error) {
      // Stored, then the store went away before this node could read the change back: a 503 too,
      // saying so (the node applies it once the store is back).
      if (error instanceof ElbowError && error.code === 'STORE_UNAVAILABLE') {
        throw new ElbowError('STORE_UNAVAILABLE', { detail: `${error.params.detail}; the change was stored as revision ${revision} and applies here once the store is back` });
      }
      throw new ElbowError('APPLY_FAILED', { revision, detail: error instanceof Error ? error.message : String(error) });
    }
  }
}
