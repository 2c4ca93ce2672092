// Carries out a plan against the API, in order, resolving references by key to the ids of
// resources that exist or were just created.
import { ApiError, type ApiClient, type ApiObject } from '../api-client.js';
import { collectionPath, RESOURCES, resourcePath } from '../resources.js';
import { describeAction, type Action } from './plan.js';
import type { Fields, RefKey, Refs } from './state.js';

export async function executePlan(client: ApiClient, actions: readonly Action[], ids: Map<RefKey, string>, onStep: (line: string) => void): Promise<void> {
  const idOf = (ref: RefKey): string => {
    const id = ids.get(ref);
    if (id === undefined) throw new Error(`${ref.replace(':', ' ')} is referenced but neither exists nor is in the file`);
    return id;
  };
  for (const action of actions) {
    onStep(describeAction(action));
    switch (action.op) {
      case 'create': {
        const { node } = action;
        const spec = RESOURCES[node.kind];
        const body = withRefs(node.fields, node.refs, idOf);
        const parentId = node.parent === undefined ? undefined : idOf(node.parent.ref);
        if (node.parent?.field !== undefined) body[node.parent.field] = parentId;
        const answer = (await client.post(collectionPath(spec, node.parent?.field === undefined ? parentId : undefined), { [spec.singular]: body })) as Record<string, ApiObject>;
        const created = answer[spec.singular];
        if (created === undefined) throw new Error(`the API did not return the created ${node.kind}`);
        ids.set(`${node.kind}:${node.key}`, created.id);
        break;
      }
      case 'update': {
        const spec = RESOURCES[action.kind];
        await client.put(resourcePath(spec, action.id, action.parentId), { [spec.singular]: withRefs(action.body, action.refs, idOf) });
        break;
      }
      case 'delete': {
        const spec = RESOURCES[action.kind];
        try {
          await client.delete(`${resourcePath(spec, action.id, action.parentId)}${action.cascade === true ? '?cascade=true' : ''}`);
        } catch (err) {
          // Gone already (e.g. deleted along with its parent): that is what we wanted.
          if (!(err instanceof ApiError && err.status === 404)) throw err;
        }
        ids.delete(`${action.kind}:${action.key}`);
        break;
      }
    }
  }
}

/** A copy of fields with every reference path set to the id it names. */
function withRefs(fields: Fields, refs: Refs, idOf: (ref: RefKey) => string): Fields {
  const body: Fields = structuredClone(fields);
  for (const [path, ref] of Object.entries(refs)) {
    const value = Array.isArray(ref) ? ref.map(idOf) : idOf(ref);
    const parts = path.split('.');
    let target: Fields = body;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      target = typeof next === 'object' && next !== null ? (next as Fields) : (target[part] = {});
    }
    target[parts[parts.length - 1] ?? path] = value;
  }
  return body;
}
