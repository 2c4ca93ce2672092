// Placement: a node serves the load balancers of its availability zone and those without one;
// the snapshot it applies holds exactly those listeners and the pools they use.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { servesLoadBalancer } from '../../../src/model/placement.js';
import { buildSnapshot } from '../../../src/snapshot/build-snapshot.js';
import { placeSnapshot } from '../../../src/snapshot/placement.js';
import type { Snapshot } from '../../../src/snapshot/snapshot.js';
import { makeListener, makePool } from '../dataplane/support.js';
import { oneOfEach } from '../../contract/resource-fixtures.js';

function snapshot(): Snapshot {
  return {
    revision: 7,
    listeners: [
      makeListener({ id: 'anywhere', port: 80, loadBalancerId: 'lb-any', availabilityZone: null, defaultPoolId: 'p-any' }),
      makeListener({ id: 'in-a', port: 81, loadBalancerId: 'lb-a', availabilityZone: 'a', defaultPoolId: 'p-a' }),
      makeListener({
        id: 'in-b',
        port: 82,
        loadBalancerId: 'lb-b',
        availabilityZone: 'b',
        defaultPoolId: 'p-b',
        policies: [{ id: 'q', action: 'REDIRECT_TO_POOL', position: 1, rules: [], redirectPoolId: 'p-b2', redirectListener: null } as never],
      }),
      makeListener({ id: 'built-by-hand', port: 83 }),
    ],
    pools: { 'p-any': makePool({ id: 'p-any', members: [] }), 'p-a': makePool({ id: 'p-a', members: [] }), 'p-b': makePool({ id: 'p-b', members: [] }), 'p-b2': makePool({ id: 'p-b2', members: [] }) },
  };
}

describe('placement', () => {
  it('the rule: a zone is served by its nodes, no zone by every node; a node without a zone serves all', () => {
    assert.equal(servesLoadBalancer('a', null), true);
    assert.equal(servesLoadBalancer(null, null), true);
    assert.equal(servesLoadBalancer('a', 'a'), true);
    assert.equal(servesLoadBalancer('a', 'b'), false);
    assert.equal(servesLoadBalancer(null, 'a'), true, 'a node without a zone is bound to none');
  });

  it("a node's snapshot keeps its zone's listeners, those without a zone, and only the pools they use", () => {
    const full = snapshot();
    const inA = placeSnapshot(full, 'a');
    assert.deepStrictEqual(inA.listeners.map((l) => l.id), ['anywhere', 'in-a', 'built-by-hand']);
    assert.deepStrictEqual(Object.keys(inA.pools).sort(), ['p-a', 'p-any']);
    assert.equal(inA.revision, 7);
    assert.equal(inA.listeners[1], full.listeners[1], 'kept parts are the same objects');
    const inB = placeSnapshot(full, 'b');
    assert.deepStrictEqual(inB.listeners.map((l) => l.id), ['anywhere', 'in-b', 'built-by-hand']);
    assert.deepStrictEqual(Object.keys(inB.pools).sort(), ['p-any', 'p-b', 'p-b2'], 'a policy redirect pool comes along');
    assert.equal(placeSnapshot(full, null), full, 'a node without a zone serves everything');
  });

  it('a snapshot a node serves whole is passed through unchanged', () => {
    const everywhere: Snapshot = { ...snapshot(), listeners: snapshot().listeners.filter((l) => l.availabilityZone === null) };
    assert.equal(placeSnapshot(everywhere, 'a'), everywhere);
  });

  it("the snapshot carries each listener's load balancer zone", () => {
    const one = oneOfEach();
    const resources = Object.fromEntries(Object.entries(one).map(([kind, resource]) => [kind, [resource]]));
    resources.loadbalancer = [{ ...one.loadbalancer, availability_zone: 'z1' }];
    const built = buildSnapshot({ revision: 1, resources: resources as never });
    assert.deepStrictEqual(built.listeners.map((l) => l.availabilityZone), ['z1']);
    assert.deepStrictEqual(placeSnapshot(built, 'z2').listeners, []);
  });
});
