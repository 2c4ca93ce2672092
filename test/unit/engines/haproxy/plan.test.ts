// The runtime-versus-reload planner as a table: each row is a change to a snapshot, whether it
// reloads, and the runtime commands it sends otherwise.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { plan } from '../../../../src/engines/haproxy/plan.js';
import { renderConfig, type RenderOptions } from '../../../../src/engines/haproxy/render.js';
import { alignServerState } from '../../../../src/engines/haproxy/server-state.js';
import type { Snapshot, SnapshotListener, SnapshotPool } from '../../../../src/snapshot/snapshot.js';
import { createTestCa, type TestCa } from '../../../helpers/test-ca.js';
import { makeListener, makeMember, makeMonitor, makePool, makeSnapshot } from '../../dataplane/support.js';
import { l7Snapshot, type FixtureCertificates } from './fixtures.js';

const DIR = '/d/haproxy';
const OPTIONS: RenderOptions = { dir: DIR, hardStopAfterMs: 5000, threads: 1, accessLogTarget: null };

function base(): { listeners: SnapshotListener[]; pools: SnapshotPool[] } {
  const pool = makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm1', port: 9001 }), makeMember({ id: 'm2', port: 9002, weight: 2 })] });
  return { listeners: [makeListener({ id: 'l', protocol: 'HTTP', port: 8080, defaultPoolId: 'p' })], pools: [pool] };
}

type Change = (s: { listeners: SnapshotListener[]; pools: SnapshotPool[] }) => void;
const withMembers = (s: { pools: SnapshotPool[] }, edit: (members: SnapshotPool['members']) => SnapshotPool['members']): void => {
  s.pools[0] = { ...(s.pools[0] as SnapshotPool), members: edit((s.pools[0] as SnapshotPool).members) };
};

const accessControl = (control: SnapshotListener['accessControl']): Change => (s) => {
  s.listeners[0] = { ...(s.listeners[0] as SnapshotListener), accessControl: control };
};

/** A change from base() (after `from`, when given, on both sides): whether it reloads, else its runtime commands. */
const ROWS: { name: string; from?: Change; change: Change; reload: boolean; commands?: string[] }[] = [
  { name: 'nothing', change: () => undefined, reload: false, commands: [] },
  { name: 'member weight', change: (s) => withMembers(s, (m) => m.map((x) => (x.id === 'm1' ? { ...x, weight: 5 } : x))), reload: false, commands: ['@1 set server p:l/m1 weight 5'] },
  { name: 'member admin down', change: (s) => withMembers(s, (m) => m.map((x) => (x.id === 'm2' ? { ...x, enabled: false } : x))), reload: false, commands: ['@1 set server p:l/m2 state maint'] },
  { name: 'member moved', change: (s) => withMembers(s, (m) => m.map((x) => (x.id === 'm2' ? { ...x, address: '127.0.0.9', port: 9009 } : x))), reload: false, commands: ['@1 set server p:l/m2 addr 127.0.0.9 port 9009'] },
  { name: 'member added', change: (s) => withMembers(s, (m) => [...m, makeMember({ id: 'm3', address: '::1', port: 9003 })]), reload: false, commands: ['@1 add server p:l/m3 [::1]:9003 weight 1 maxconn 1000', '@1 enable server p:l/m3'] },
  { name: 'member removed', change: (s) => withMembers(s, (m) => m.filter((x) => x.id !== 'm1')), reload: false, commands: ['@1 set server p:l/m1 state maint', '@1 del server p:l/m1'] },
  { name: 'member made backup', change: (s) => withMembers(s, (m) => m.map((x) => (x.id === 'm1' ? { ...x, backup: true } : x))), reload: true },
  { name: 'session persistence set', change: (s) => { s.pools[0] = { ...(s.pools[0] as SnapshotPool), sessionPersistence: { type: 'HTTP_COOKIE', cookieName: null, timeoutSeconds: 0, granularity: null } }; }, reload: true },
  // A listener's lists are rendered only where they restrict: the first restriction is a reload, later changes are runtime.
  { name: 'allowed_cidrs, the first', change: accessControl({ allowedCidrs: ['10.0.0.0/8'], ipGroup: null }), reload: true },
  { name: 'allowed_cidrs changed', from: accessControl({ allowedCidrs: ['10.0.0.0/8'], ipGroup: null }), change: accessControl({ allowedCidrs: ['10.0.0.0/8', '192.0.2.0/24'], ipGroup: null }), reload: false, commands: ['acl /d/haproxy/lists/l.allowed.lst 10.0.0.0/8,192.0.2.0/24'] },
  { name: 'allowed_cidrs lifted', from: accessControl({ allowedCidrs: ['10.0.0.0/8'], ipGroup: null }), change: accessControl({ allowedCidrs: [], ipGroup: null }), reload: true },
  { name: 'black list, the first', change: accessControl({ allowedCidrs: [], ipGroup: { type: 'black', cidrs: ['192.0.2.1'] } }), reload: true },
  { name: 'black list changed', from: accessControl({ allowedCidrs: [], ipGroup: { type: 'black', cidrs: ['192.0.2.1'] } }), change: accessControl({ allowedCidrs: [], ipGroup: { type: 'black', cidrs: ['192.0.2.2'] } }), reload: false, commands: ['acl /d/haproxy/lists/l.black.lst 192.0.2.2'] },
  { name: 'white list changed', from: accessControl({ allowedCidrs: [], ipGroup: { type: 'white', cidrs: ['192.0.2.1'] } }), change: accessControl({ allowedCidrs: [], ipGroup: { type: 'white', cidrs: ['192.0.2.1', '198.51.100.0/24'] } }), reload: false, commands: ['acl /d/haproxy/lists/l.white.lst 192.0.2.1,198.51.100.0/24'] },
  { name: 'listener timeout', change: (s) => { s.listeners[0] = { ...(s.listeners[0] as SnapshotListener), timeouts: { clientData: 1000, memberConnect: 1000, memberData: 1000 } }; }, reload: true },
  { name: 'listener added', change: (s) => { s.listeners.push(makeListener({ id: 'l2', port: 8081 })); }, reload: true },
  { name: 'pool algorithm', change: (s) => { s.pools[0] = { ...(s.pools[0] as SnapshotPool), algorithm: 'LEAST_CONNECTIONS' }; }, reload: true },
  { name: 'health monitor', change: (s) => { s.pools[0] = { ...(s.pools[0] as SnapshotPool), healthMonitor: makeMonitor() }; }, reload: true },
];

describe('HAProxy planner', () => {
  for (const row of ROWS) {
    it(`${row.name}: ${row.reload ? 'reload' : 'runtime'}`, () => {
      const before = base();
      const after = base();
      row.from?.(before);
      row.from?.(after);
      row.change(after);
      const p = plan(DIR, renderConfig(makeSnapshot(1, before.listeners, before.pools), OPTIONS), renderConfig(makeSnapshot(2, after.listeners, after.pools), OPTIONS));
      assert.equal(p.reload, row.reload, p.reasons.join('; '));
      if (row.commands) {
        const shown = p.steps.map((step) => (step.kind === 'cli' ? step.line : `acl ${step.path} ${step.entries.join(',')}`));
        assert.deepEqual(shown, row.commands);
      }
      if (row.reload) assert.deepEqual(p.steps, [], 'a reload sends no runtime commands');
    });
  }

  describe('certificates', () => {
    let ca: TestCa;
    let certificates: FixtureCertificates;
    let third: FixtureCertificates['web'];
    before(() => {
      ca = createTestCa();
      certificates = { web: ca.issueServer(['web.test']).snapshot('cert-web'), api: ca.issueServer(['api.test']).snapshot('cert-api'), caPem: ca.caPem, crlPem: ca.revoke() };
      third = ca.issueServer(['third.test']).snapshot('cert-third');
    });
    after(() => ca.close());

    const https = (snapshot: Snapshot): SnapshotListener => snapshot.listeners.find((l) => l.id === 'https') as SnapshotListener;
    const withTls = (snapshot: Snapshot, tls: Partial<NonNullable<SnapshotListener['tls']>>): Snapshot => ({
      ...snapshot,
      revision: snapshot.revision + 1,
      listeners: snapshot.listeners.map((l) => (l.id === 'https' && l.tls ? { ...l, tls: { ...l.tls, ...tls } } : l)),
    });
    const planOf = (a: Snapshot, b: Snapshot) => plan(DIR, renderConfig(a, OPTIONS), renderConfig(b, OPTIONS));
    const lines = (p: ReturnType<typeof plan>) => p.steps.map((step) => (step.kind === 'cli' ? step.line : step.kind));

    it('a default certificate swapped: set + commit of the listener\'s default file', () => {
      const a = l7Snapshot(certificates);
      const p = planOf(a, withTls(a, { defaultCertificate: third }));
      assert.equal(p.reload, false, p.reasons.join('; '));
      assert.deepEqual(lines(p), ['@1 set ssl cert /d/haproxy/certs/https.default.pem', '@1 commit ssl cert /d/haproxy/certs/https.default.pem']);
    });

    it('an SNI certificate added at the end, another removed: crt-list entries at runtime', () => {
      const a = l7Snapshot(certificates);
      const p = planOf(a, withTls(a, { sniCertificates: [third] }));
      assert.equal(p.reload, false, p.reasons.join('; '));
      assert.deepEqual(lines(p), [
        '@1 new ssl cert /d/haproxy/certs/https.sni.cert-third.pem',
        '@1 set ssl cert /d/haproxy/certs/https.sni.cert-third.pem',
        '@1 commit ssl cert /d/haproxy/certs/https.sni.cert-third.pem',
        '@1 add ssl crt-list /d/haproxy/certs/https.crt-list /d/haproxy/certs/https.sni.cert-third.pem',
        '@1 del ssl crt-list /d/haproxy/certs/https.crt-list /d/haproxy/certs/https.sni.cert-api.pem',
        '@1 del ssl cert /d/haproxy/certs/https.sni.cert-api.pem',
      ]);
      assert.equal(https(a).tls?.sniCertificates.length, 1);
    });

    it('SNI certificates reordered: reload', () => {
      const a = withTls(l7Snapshot(certificates), { sniCertificates: [certificates.api, third] });
      assert.equal(planOf(a, withTls(a, { sniCertificates: [third, certificates.api] })).reload, true);
    });

    it('the client CA replaced: set + commit ssl ca-file', () => {
      const a = l7Snapshot(certificates);
      const other = createTestCa('another CA');
      try {
        const p = planOf(a, withTls(a, { clientCaPem: other.caPem }));
        assert.equal(p.reload, false, p.reasons.join('; '));
        assert.deepEqual(lines(p), ['@1 set ssl ca-file /d/haproxy/certs/https.client-ca.pem', '@1 commit ssl ca-file /d/haproxy/certs/https.client-ca.pem']);
      } finally {
        other.close();
      }
    });
  });
});

describe('HTTP_COOKIE pools', () => {
  it('a member added needs a reload: HAProxy refuses `add server` with a cookie', () => {
    const pool = makePool({ id: 'p', protocol: 'HTTP', members: [makeMember({ id: 'm1', port: 9001 })], sessionPersistence: { type: 'HTTP_COOKIE', cookieName: null, timeoutSeconds: 0, granularity: null } });
    const listener = makeListener({ id: 'l', protocol: 'HTTP', port: 8080, defaultPoolId: 'p' });
    const grown = { ...pool, members: [...pool.members, makeMember({ id: 'm2', port: 9002 })] };
    const p = plan(DIR, renderConfig(makeSnapshot(1, [listener], [pool]), OPTIONS), renderConfig(makeSnapshot(2, [listener], [grown]), OPTIONS));
    assert.equal(p.reload, true);
    assert.match(p.reasons.join(), /persistence cookie/);
  });
});

describe('server state across a reload', () => {
  it('keeps health, drops servers that are gone or moved, and takes admin state and weight from the new configuration', () => {
    const pool = makePool({ id: 'p', members: [makeMember({ id: 'm1', port: 9001 }), makeMember({ id: 'm2', port: 9002 }), makeMember({ id: 'm3', port: 9003 })], healthMonitor: makeMonitor() });
    const listener = makeListener({ id: 'l', port: 8080, defaultPoolId: 'p' });
    const previous = renderConfig(makeSnapshot(1, [listener], [pool]), OPTIONS);
    const moved = { ...pool, members: [{ ...(pool.members[0] as SnapshotPool['members'][number]), weight: 7, enabled: false }, { ...(pool.members[1] as SnapshotPool['members'][number]), port: 9999 }] };
    const next = renderConfig(makeSnapshot(2, [listener, makeListener({ id: 'l2', port: 8081 })], [moved]), OPTIONS);
    const saved = [
      '1',
      '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port',
      '3 p:l 1 m1 127.0.0.1 0 1 3 1 12 7 2 0 6 0 0 0 - 9001 - 0 9001 127.0.0.1 - 0',
      '3 p:l 2 m2 127.0.0.1 2 0 1 1 12 15 3 4 6 0 0 0 - 9002 - 0 9002 127.0.0.1 - 0',
      '3 p:l 3 m3 127.0.0.1 2 0 1 1 12 15 3 4 6 0 0 0 - 9003 - 0 9003 127.0.0.1 - 0',
      '',
    ].join('\n');
    const aligned = alignServerState(saved, previous, next).split('\n');
    assert.equal(aligned[0], '1');
    assert.deepEqual(aligned.slice(2).filter((line) => line !== ''), ['3 p:l 1 m1 127.0.0.1 0 2 7 7 12 7 2 0 6 0 0 0 - 9001 - 0 9001 127.0.0.1 - 0']);
  });
});
