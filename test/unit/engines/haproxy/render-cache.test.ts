// The render cache: a listener's part (frontend, backends, files) is reused while the listener,
// the pools it uses and the options are the same objects and values, and rendered again when any
// of them changes. A render with the cache is always the same as one without it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan } from '../../../../src/engines/haproxy/plan.js';
import { RenderCache, renderConfig, type Rendered, type RenderOptions } from '../../../../src/engines/haproxy/render.js';
import type { Snapshot, SnapshotListener, SnapshotPool } from '../../../../src/snapshot/snapshot.js';
import { makeMember } from '../../dataplane/support.js';
import { type FixtureCertificates, fixtureCa, l4Snapshot, l7Snapshot } from './fixtures.js';

const OPTIONS: RenderOptions = { dir: '/var/lib/elbow/haproxy', hardStopAfterMs: 10_000, threads: 2, accessLogTarget: '127.0.0.1:10998' };

/** l4 and l7 together: every kind of part. */
function both(certificates: FixtureCertificates): Snapshot {
  const l4 = l4Snapshot(certificates);
  const l7 = l7Snapshot(certificates);
  return { revision: 1, listeners: [...l4.listeners, ...l7.listeners.map((listener) => ({ ...listener, port: listener.port + 1000 }))], pools: { ...l4.pools, ...l7.pools } };
}

function withListener(snapshot: Snapshot, id: string, edit: (listener: SnapshotListener) => SnapshotListener): Snapshot {
  return { ...snapshot, revision: snapshot.revision + 1, listeners: snapshot.listeners.map((listener) => (listener.id === id ? edit(listener) : listener)) };
}

function withPool(snapshot: Snapshot, id: string, edit: (pool: SnapshotPool) => SnapshotPool): Snapshot {
  return { ...snapshot, revision: snapshot.revision + 1, pools: { ...snapshot.pools, [id]: edit(snapshot.pools[id] as SnapshotPool) } };
}

/** What a render says, for comparing one with the cache to one without. */
function contents(rendered: Rendered): unknown {
  return {
    text: rendered.text,
    head: rendered.head,
    files: [...rendered.files],
    frontends: [...rendered.frontends],
    backends: [...rendered.backends],
  };
}

describe('HAProxy render cache', () => {
  const fixture = fixtureCa();

  /** Renders `next` with a cache warmed on `first`: how many listeners were rendered again, and the render. */
  function again(first: Snapshot, next: Snapshot, options: RenderOptions = OPTIONS): { rerendered: number; cached: Rendered; previous: Rendered } {
    const cache = new RenderCache();
    const previous = renderConfig(first, OPTIONS, cache);
    const before = cache.rendered;
    const cached = renderConfig(next, options, cache);
    assert.deepEqual(contents(cached), contents(renderConfig(next, options)), 'the same render as without a cache');
    return { rerendered: cache.rendered - before, cached, previous };
  }

  it('renders nothing again for the same snapshot, and hands back the same parts', () => {
    const snapshot = both(fixture.certificates);
    const { rerendered, cached, previous } = again(snapshot, { ...snapshot, revision: 2 });
    assert.equal(rerendered, 0);
    for (const [id, frontend] of cached.frontends) assert.equal(frontend, previous.frontends.get(id));
    for (const [name, file] of cached.files) assert.equal(file, previous.files.get(name));
    assert.deepEqual(plan(OPTIONS.dir, previous, cached), { reload: false, reasons: [], steps: [] });
  });

  it('renders a changed listener again, and only it', () => {
    const snapshot = both(fixture.certificates);
    const { rerendered, cached, previous } = again(snapshot, withListener(snapshot, 'tcp-rr', (listener) => ({ ...listener, connectionLimit: 5 })));
    assert.equal(rerendered, 1);
    assert.notEqual(cached.frontends.get('tcp-rr'), previous.frontends.get('tcp-rr'));
    assert.equal(cached.frontends.get('tcp-lc'), previous.frontends.get('tcp-lc'));
    assert.deepEqual(plan(OPTIONS.dir, previous, cached).reasons, ['listener tcp-rr changed']);
  });

  it('renders again the listeners of a changed pool: a member added is one runtime command', () => {
    const snapshot = both(fixture.certificates);
    const users = snapshot.listeners.filter((listener) => listener.enabled && listener.transport === 'tcp' && listener.defaultPoolId === 'lc').length;
    const { rerendered, cached, previous } = again(snapshot, withPool(snapshot, 'lc', (pool) => ({ ...pool, members: [...pool.members, makeMember({ id: 'm-new', port: 9100 })] })));
    assert.equal(rerendered, users);
    assert.ok(users >= 2, 'the fixture has a pool shared by two listeners');
    const steps = plan(OPTIONS.dir, previous, cached);
    assert.equal(steps.reload, false, steps.reasons.join('; '));
    assert.deepEqual(steps.steps.map((step) => (step.kind === 'cli' ? step.line : step.path)), ['@1 add server lc:tcp-lc/m-new 127.0.0.1:9100 weight 1 send-proxy', '@1 enable server lc:tcp-lc/m-new', '@1 add server lc:ssl/m-new 127.0.0.1:9100 weight 1 send-proxy', '@1 enable server lc:ssl/m-new']);
  });

  it('renders again a listener whose pool appears or goes, through its policies too', () => {
    const snapshot = both(fixture.certificates);
    const gone = { ...snapshot, revision: 2, pools: Object.fromEntries(Object.entries(snapshot.pools).filter(([id]) => id !== 'api')) };
    const { rerendered } = again(snapshot, gone);
    assert.equal(rerendered, 2, 'http and https send to api through policies');
    const back = again(gone, snapshot);
    assert.equal(back.rerendered, 2);
  });

  it('a changed certificate is rendered again and planned as a certificate update', () => {
    const snapshot = both(fixture.certificates);
    const renewed = fixture.ca.issueServer(['web.test']).snapshot('cert-web');
    const next = withListener(snapshot, 'https', (listener) => ({ ...listener, tls: { ...(listener.tls as NonNullable<SnapshotListener['tls']>), defaultCertificate: renewed } }));
    const { rerendered, cached, previous } = again(snapshot, next);
    assert.equal(rerendered, 1);
    const steps = plan(OPTIONS.dir, previous, cached);
    assert.equal(steps.reload, false, steps.reasons.join('; '));
    assert.deepEqual(steps.steps.map((step) => (step.kind === 'cli' ? step.line : step.path)), [`@1 set ssl cert ${OPTIONS.dir}/certs/https.default.pem`, `@1 commit ssl cert ${OPTIONS.dir}/certs/https.default.pem`]);
  });

  it('renders everything again when an option a part depends on changes', () => {
    const snapshot = both(fixture.certificates);
    const served = renderConfig(snapshot, OPTIONS).frontends.size;
    assert.equal(again(snapshot, snapshot, { ...OPTIONS, accessLogTarget: null }).rerendered, served);
    assert.equal(again(snapshot, snapshot, { ...OPTIONS, dir: '/elsewhere' }).rerendered, served);
    assert.equal(again(snapshot, snapshot, { ...OPTIONS, threads: 4 }).rerendered, 0, 'global settings are not part of a listener');
  });

  it('skipped listeners are left out and come back from the cache', () => {
    const snapshot = both(fixture.certificates);
    const cache = new RenderCache();
    renderConfig(snapshot, OPTIONS, cache);
    const rendered = cache.rendered;
    const skipping = renderConfig(snapshot, { ...OPTIONS, skipListeners: new Set(['tcp-lc']) }, cache);
    assert.equal(skipping.frontends.has('tcp-lc'), false);
    assert.deepEqual(contents(skipping), contents(renderConfig(snapshot, { ...OPTIONS, skipListeners: new Set(['tcp-lc']) })));
    renderConfig(snapshot, OPTIONS, cache);
    assert.equal(cache.rendered, rendered);
  });
});
