// Golden renders: each fixture snapshot renders to the configuration in golden/<name>.cfg (set
// ELBOW_UPDATE_GOLDEN=1 to rewrite them after a deliberate change), and HAProxy itself accepts
// every one of them (`haproxy -c`) with its files written out. Without the binary the second half
// is skipped, visibly.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { renderConfig, type RenderOptions } from '../../../../src/engines/haproxy/render.js';
import type { Snapshot } from '../../../../src/snapshot/snapshot.js';
import { haproxyMissing } from '../../../helpers/haproxy.js';
import { fixtureCa, l4Snapshot, l7Snapshot } from './fixtures.js';

const run = promisify(execFile);
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const OPTIONS: RenderOptions = { dir: '/var/lib/elbow/haproxy', hardStopAfterMs: 10_000, threads: 2, accessLogTarget: '127.0.0.1:10998' };

describe('HAProxy rendering', () => {
  const fixture = fixtureCa();

  const fixtures: Record<string, () => Snapshot> = {
    l4: () => l4Snapshot(fixture.certificates),
    l7: () => l7Snapshot(fixture.certificates),
  };

  for (const name of Object.keys(fixtures)) {
    it(`${name}: renders golden/${name}.cfg`, () => {
      const rendered = renderConfig(fixtures[name]?.() as Snapshot, OPTIONS);
      const file = join(GOLDEN, `${name}.cfg`);
      if (process.env.ELBOW_UPDATE_GOLDEN === '1') writeFileSync(file, rendered.text);
      assert.equal(rendered.text, readFileSync(file, 'utf8'));
    });

    it(`${name}: passes haproxy -c with its files`, { skip: haproxyMissing() }, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'elbow-golden-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const rendered = renderConfig(fixtures[name]?.() as Snapshot, { ...OPTIONS, dir });
      for (const [path, file] of rendered.files) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), file.content);
      }
      writeFileSync(join(dir, 'haproxy.cfg'), rendered.text);
      writeFileSync(join(dir, 'server-state'), '1\n');
      const { stdout, stderr } = await run('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')]).catch((error: { stdout: string; stderr: string }) => {
        assert.fail(`haproxy -c refused the configuration:\n${error.stdout}${error.stderr}`);
      });
      assert.match(stdout + stderr, /Configuration file is valid/);
      assert.doesNotMatch(stderr, /\[WARNING\]|\[ALERT\]/, stderr);
    });
  }

  it('attributes each configuration line to its listener', () => {
    const rendered = renderConfig(l4Snapshot(fixture.certificates), OPTIONS);
    const lines = rendered.text.split('\n');
    const at = (needle: string) => rendered.listenerAtLine(lines.findIndex((line) => line.trim().startsWith(needle)) + 1);
    assert.equal(at('frontend tcp-lc'), 'tcp-lc');
    assert.equal(at('server m-6'), 'tcp-sip');
    assert.equal(at('hard-stop-after'), undefined);
    assert.equal(at('backend elbow.no-pool.tcp'), undefined);
  });

  it('leaves out UDP, disabled and skipped listeners', () => {
    const rendered = renderConfig(l4Snapshot(fixture.certificates), { ...OPTIONS, skipListeners: new Set(['tcp-lc']) });
    assert.deepEqual([...rendered.frontends.keys()].sort(), ['ssl', 'tcp-nopool', 'tcp-off', 'tcp-rr', 'tcp-sip', 'tcp-sipp']);
  });
});
