// `elbow serve` as a process: data directory and token files, ELBOW_* settings, --help, a bad
// flag, a taken address, SIGTERM exiting 0. (--demo: api-demo.test.ts.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startElbow } from '../helpers/elbow-process.js';

const MAIN = resolve(import.meta.dirname, '../../src/main.ts');
const run = promisify(execFile);
const elbowCli = (args: string[]) => run(process.execPath, ['--import', 'tsx', MAIN, ...args], { timeout: 30_000 });

describe('elbow serve process', () => {
  it('creates a private data directory and token file, reuses the token, and exits 0 on SIGTERM', async (t) => {
    const parent = mkdtempSync(join(tmpdir(), 'elbow-serve-'));
    t.after(() => rmSync(parent, { recursive: true, force: true }));
    const dataDir = join(parent, 'data');
    const first = await startElbow({ dataDir });
    t.after(() => first.stop());
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dataDir, 'api-token')).mode & 0o777, 0o600);
    assert.match(first.stdout(), new RegExp(`^elbow API listening on http://127\\.0\\.0\\.1:\\d+ \\(token in ${dataDir}/api-token\\)\\n`));
    assert.ok(first.token.length >= 32);
    assert.equal(await first.stop('SIGTERM'), 0);
    // The logs are JSON lines.
    for (const line of first.stderr().trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);

    const second = await startElbow({ dataDir });
    t.after(() => second.stop());
    assert.equal(second.token, first.token);
    assert.equal((await second.api('GET', '/v2/lbaas/loadbalancers')).status, 200);
    assert.equal(await second.stop('SIGINT'), 0);
  });

  it('takes the token from ELBOW_API_TOKEN and the log level from ELBOW_LOG_LEVEL', async (t) => {
    const elbow = await startElbow({ env: { ELBOW_API_TOKEN: 'from-the-environment', ELBOW_LOG_LEVEL: 'warn' } });
    t.after(() => elbow.stop());
    assert.equal((await elbow.api('GET', '/v2/lbaas/pools')).status, 200);
    assert.match(elbow.stdout(), /\(token from ELBOW_API_TOKEN\)/);
    await elbow.stop();
    assert.doesNotMatch(elbow.stderr(), /"level":"info"/);
  });

  it('exits non-zero, saying why, when the API address is taken', async (t) => {
    const first = await startElbow();
    t.after(() => first.stop());
    await assert.rejects(startElbow({ args: ['--api', new URL(first.url).host] }), /EADDRINUSE/);
    assert.equal((await first.api('GET', '/v2/lbaas/loadbalancers')).status, 200, 'the first one is unharmed');
  });

  it('documents every flag in --help and rejects a bad --api address', async () => {
    const help = await elbowCli(['serve', '--help']);
    for (const flag of ['--data-dir', '--api', '--store', '--workers', '--log-level', '--demo', 'ELBOW_DATA_DIR']) assert.match(help.stdout, new RegExp(flag));
    await assert.rejects(elbowCli(['serve', '--api', 'nonsense']), (err: { code?: number; stderr?: string }) => {
      assert.notEqual(err.code, 0);
      assert.match(err.stderr ?? '', /invalid --api address/);
      return true;
    });
  });
});
