// readAll() remembered per revision. One API change reads the whole configuration twice — the
// snapshot publisher builds the new snapshot, then the control plane renders the answer — and
// every list or show reads it again; all of these see the same revision until the next commit.
// Asking the revision is one indexed row; reading everything is every row and its JSON.
// Callers must treat the contents as read-only (they are shared).

import type { Store, StoreContents } from './store.js';

export function withRevisionCache(store: Store): Store {
  let cached: Promise<StoreContents> | undefined;
  let cachedRevision = -1;
  return {
    kind: store.kind,
    transaction: (fn) => store.transaction(fn),
    get: (kind, id) => store.get(kind, id),
    list: (kind, query) => store.list(kind, query),
    revision: () => store.revision(),
    async readAll() {
      const revision = await store.revision();
      if (cached === undefined || cachedRevision !== revision) {
        const reading = store.readAll();
        cached = reading;
        cachedRevision = revision;
        // A failed read is not remembered.
        reading.catch(() => {
          if (cached === reading) cached = undefined;
        });
      }
      const contents = await cached;
      // A commit landed between revision() and readAll(): the contents say which revision they are.
      if (contents.revision !== cachedRevision) cachedRevision = contents.revision;
      return contents;
    },
    onChange: (listener) => store.onChange(listener),
    close: () => store.close(),
  };
}
