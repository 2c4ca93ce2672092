// Member connection accounting: the limit, the line (first come, first served, bounded wait,
// cancel), reuse after a clean end only, and one limit shared by the connection sets of a member.
// undici Clients connect lazily, so no member is needed: nothing is dispatched here.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from 'undici';
import { eventually } from '../../../helpers/abuse-member.js';
import { ConnectionSet, MemberConnectionLimit, type ConnectionWaiter } from '../../../../src/dataplane/http/member-connections.js';

class Waiter implements ConnectionWaiter {
  client: Client | null = null;
  expiredCount = 0;
  granted(client: Client): void {
    this.client = client;
  }
  expired(): void {
    this.expiredCount += 1;
  }
}

function setup(limitCount: number): { limit: MemberConnectionLimit; a: ConnectionSet; b: ConnectionSet } {
  const limit = new MemberConnectionLimit(limitCount);
  const a = new ConnectionSet('http://127.0.0.1:9', { pipelining: 1 }, limit);
  const b = new ConnectionSet('http://127.0.0.1:9', { pipelining: 1, connectTimeout: 1234 }, limit);
  return { limit, a, b };
}

const LONG_WAIT = 60_000;

describe('member connections', () => {
  it('opens up to the limit, then puts requests in line and hands a freed connection to the first', () => {
    const { limit, a } = setup(2);
    const one = a.take(new Waiter(), LONG_WAIT);
    const two = a.take(new Waiter(), LONG_WAIT);
    assert.ok(one && two && one !== two);
    const first = new Waiter();
    const second = new Waiter();
    assert.equal(a.take(first, LONG_WAIT), null);
    assert.equal(a.take(second, LONG_WAIT), null);
    assert.equal(limit.full, true);
    a.release(one, true);
    assert.equal(first.client, one);
    assert.equal(second.client, null);
    a.release(two, true);
    assert.equal(second.client, two);
    assert.equal(limit.open, 2);
    assert.equal(limit.line.size, 0);
    a.destroyAll();
  });

  it('reuses a connection only after a clean end', () => {
    const { limit, a } = setup(2);
    const one = a.take(new Waiter(), LONG_WAIT);
    assert.ok(one);
    a.release(one, false);
    assert.equal(one.destroyed, true);
    assert.equal(limit.open, 0);
    const two = a.take(new Waiter(), LONG_WAIT);
    assert.ok(two);
    a.release(two, true);
    assert.equal(a.idleCount, 1);
    assert.equal(a.take(new Waiter(), LONG_WAIT), two);
    a.destroyAll();
  });

  it('answers a request that waited its bound, and forgets one whose client gave up', async () => {
    const { limit, a } = setup(1);
    const busy = a.take(new Waiter(), LONG_WAIT);
    assert.ok(busy);
    const patient = new Waiter();
    const quitter = new Waiter();
    assert.equal(a.take(patient, 5), null);
    assert.equal(a.take(quitter, LONG_WAIT), null);
    a.cancel(quitter);
    await eventually(() => patient.expiredCount === 1, "the patient request to expire");
    assert.equal(limit.line.size, 0);
    a.release(busy, true);
    assert.equal(quitter.client, null);
    assert.equal(a.idleCount, 1);
    a.destroyAll();
  });

  it('counts every set of a member against one limit: an idle connection of one set makes room for another', () => {
    const { limit, a, b } = setup(1);
    const idleInA = a.take(new Waiter(), LONG_WAIT);
    assert.ok(idleInA);
    a.release(idleInA, true);
    const inB = b.take(new Waiter(), LONG_WAIT);
    assert.ok(inB);
    assert.equal(idleInA.destroyed, true);
    assert.equal(limit.open, 1);
    // A request of set a waits; b's connection, freed, is replaced by one of set a.
    const waiter = new Waiter();
    assert.equal(a.take(waiter, LONG_WAIT), null);
    b.release(inB, true);
    assert.equal(inB.destroyed, true);
    assert.ok(waiter.client && waiter.client !== inB);
    assert.equal(limit.open, 1);
    a.destroyAll();
    b.destroyAll();
  });

  it('a retired set closes its idle connections now and the busy ones when released', () => {
    const { limit, a } = setup(3);
    const idle = a.take(new Waiter(), LONG_WAIT);
    const busy = a.take(new Waiter(), LONG_WAIT);
    assert.ok(idle && busy);
    a.release(idle, true);
    a.retire();
    assert.equal(idle.destroyed, true);
    assert.equal(limit.open, 1);
    a.release(busy, true);
    assert.equal(busy.destroyed, true);
    assert.equal(limit.open, 0);
  });
});
