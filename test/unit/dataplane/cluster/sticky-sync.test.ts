// Sticky tables report the bindings local traffic makes or changes, and learn others' silently.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppCookieTable } from '../../../../src/dataplane/http/session-cookies.js';
import { SourceIpPersistence } from '../../../../src/dataplane/sessions/source-ip-persistence.js';
import { learnSticky, subscribeSticky, type StickyBinding } from '../../../../src/dataplane/sessions/sticky-sync.js';

test('new or changed bindings are reported once; learned ones are used and not reported', (t) => {
  const reported: StickyBinding[] = [];
  subscribeSticky((binding) => reported.push(binding));
  t.after(() => subscribeSticky(undefined));
  const sourceIp = new SourceIpPersistence(60_000, 10, 'source-ip/pool-1');
  const cookies = new AppCookieTable(10, 'app-cookie/listener-1/pool-1');

  sourceIp.remember('192.0.2.1', 'member-a');
  sourceIp.remember('192.0.2.1', 'member-a');
  sourceIp.remember('192.0.2.1', 'member-b');
  cookies.remember('s1', 'member-a');
  assert.deepEqual(reported, [
    { table: 'source-ip/pool-1', key: '192.0.2.1', memberId: 'member-a' },
    { table: 'source-ip/pool-1', key: '192.0.2.1', memberId: 'member-b' },
    { table: 'app-cookie/listener-1/pool-1', key: 's1', memberId: 'member-a' },
  ]);

  learnSticky([
    { table: 'source-ip/pool-1', key: '192.0.2.2', memberId: 'member-c' },
    { table: 'app-cookie/listener-1/pool-1', key: 's2', memberId: 'member-c' },
    { table: 'source-ip/unknown', key: '192.0.2.3', memberId: 'member-c' },
  ]);
  assert.equal(sourceIp.lookup('192.0.2.2'), 'member-c');
  assert.equal(cookies.lookup('s2'), 'member-c');
  assert.equal(reported.length, 3, 'learning reports nothing');

  const unshared = new SourceIpPersistence(60_000);
  unshared.remember('192.0.2.9', 'member-a');
  assert.equal(reported.length, 3, 'a table without a sync id is not shared');
});

test('bindings for a table this worker has not created yet are handed over when it is', () => {
  learnSticky([{ table: 'app-cookie/listener-9/pool-9', key: 's9', memberId: 'member-b' }]);
  const cookies = new AppCookieTable(10, 'app-cookie/listener-9/pool-9');
  assert.equal(cookies.lookup('s9'), 'member-b');
  const later = new AppCookieTable(10, 'app-cookie/listener-9/pool-9');
  assert.equal(later.lookup('s9'), undefined, 'handed over once, not kept');
});
