// A control plane over an in-memory SQLite store, closed after the test.

import type { TestContext } from 'node:test';
import { createControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../../src/control/control-plane.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

export async function controlPlaneFor(t: TestContext, options: Omit<ControlPlaneOptions, 'store'> = {}): Promise<{ control: ControlPlane; store: Store }> {
  const store = await openSqliteStore({ path: ':memory:' });
  t.after(() => store.close());
  return { control: createControlPlane({ store, ...options }), store };
}

/** Runs fn and returns the ElbowError code it threw (fails when it did not throw). */
export async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error('expected an error');
}
