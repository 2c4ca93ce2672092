// Data plane workers run with glibc malloc bounded (worker-supervisor.ts WORKER_MALLOC_ENV), unless
// the operator chose otherwise: read from a real worker's environment.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { it } from 'node:test';
import { WORKER_MALLOC_ENV, workerMallocEnv } from '../../src/dataplane/cluster/worker-supervisor.js';
import { startElbow } from '../helpers/elbow-process.js';

function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
}

function environmentOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

it('the operator\'s own malloc settings win over the workers\' defaults', () => {
  assert.deepEqual(workerMallocEnv({}), WORKER_MALLOC_ENV);
  assert.deepEqual(workerMallocEnv({ MALLOC_ARENA_MAX: '4' }), { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' });
});

it('a worker process runs with two malloc arenas and fixed mmap and trim thresholds', { timeout: 120_000 }, async (t) => {
  const environment = { ...process.env };
  for (const name of Object.keys(WORKER_MALLOC_ENV)) delete environment[name];
  const elbow = await startElbow({ args: ['--workers', '1'], env: { MALLOC_TRIM_THRESHOLD_: '262144' } });
  t.after(() => elbow.stop());
  let workers: number[] = [];
  for (let i = 0; i < 100 && workers.length === 0; i++) {
    workers = childrenOf(elbow.pid).filter((pid) => environmentOf(pid).has('MALLOC_ARENA_MAX'));
    if (workers.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(workers.length, 1, 'one worker');
  const env = environmentOf(workers[0] ?? 0);
  assert.equal(env.get('MALLOC_ARENA_MAX'), '2');
  assert.equal(env.get('MALLOC_MMAP_THRESHOLD_'), '131072');
  assert.equal(env.get('MALLOC_TRIM_THRESHOLD_'), '262144', 'the operator\'s value is kept');
  assert.equal(environmentOf(elbow.pid).get('MALLOC_ARENA_MAX'), process.env.MALLOC_ARENA_MAX, 'the primary is left alone');
});
