// Lets users name resources: a value that is not an id is looked up by name with a list call.
import type { ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { collectionPath, RESOURCES } from './resources.js';
import type { ResourceKind } from '../model/types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id of the resource called `nameOrId`; unknown names pass through so the API reports them. */
export async function resolveId(client: ApiClient, kind: ResourceKind, nameOrId: string, parentId?: string): Promise<string> {
  const spec = RESOURCES[kind];
  if (!spec.named || UUID.test(nameOrId)) return nameOrId;
  const path = `${collectionPath(spec, parentId)}?name=${encodeURIComponent(nameOrId)}`;
  // Filter again here: an API that ignores the filter must not make every name ambiguous.
  const matches = (await client.listAll(path, spec.plural)).filter((r) => r.name === nameOrId);
  if (matches.length > 1) {
    const ids = matches.map((m) => m.id).join(', ');
    throw new CliError(`${kind} name "${nameOrId}" is ambiguous (${ids}); use an id`);
  }
  return matches[0]?.id ?? nameOrId;
}
