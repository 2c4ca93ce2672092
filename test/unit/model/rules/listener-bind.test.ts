import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindAddressesOverlap, checkBindConflict, findBindConflict } from '../../../../src/model/rules/listener-bind.js';

test('bind addresses overlap when equal or when one is the wildcard', () => {
  assert.ok(bindAddressesOverlap('127.0.1.1', '127.0.1.1'));
  assert.ok(bindAddressesOverlap('0.0.0.0', '127.0.1.1'));
  assert.ok(bindAddressesOverlap('127.0.1.1', '0.0.0.0'));
  assert.ok(bindAddressesOverlap('::', '127.0.1.1'), ':: is dual-stack');
  assert.ok(bindAddressesOverlap('::', '::1'));
  assert.ok(bindAddressesOverlap('2001:db8::1', '2001:DB8:0::1'), 'compared as addresses, not text');
  assert.equal(bindAddressesOverlap('127.0.1.1', '127.0.1.2'), false);
  assert.equal(bindAddressesOverlap('0.0.0.0', '::1'), false);
  assert.equal(bindAddressesOverlap('::1', '127.0.0.1'), false);
});

const other = { id: 'x', protocol: 'HTTP' as const, protocol_port: 80, loadbalancer_id: 'lb2', address: '0.0.0.0' };

test('a listener of another load balancer on an overlapping address, same transport and port, conflicts', () => {
  const candidate = { protocol: 'TCP' as const, protocol_port: 80, loadbalancer_id: 'lb1', address: '127.0.1.1' };
  assert.equal(findBindConflict(candidate, [other])?.id, 'x');
  assert.throws(() => checkBindConflict(candidate, [other]), { code: 'LISTENER_BIND_CONFLICT', status: 409, message: /Listener x \(HTTP:80\) of load balancer lb2 already binds 0\.0\.0\.0 TCP port 80/ });
});

test('no bind conflict on another transport, another port, a disjoint address, or within one load balancer', () => {
  const base = { protocol: 'TCP' as const, protocol_port: 80, loadbalancer_id: 'lb1', address: '127.0.1.1' };
  assert.equal(findBindConflict({ ...base, protocol: 'UDP' }, [other]), undefined);
  assert.equal(findBindConflict({ ...base, protocol_port: 81 }, [other]), undefined);
  assert.equal(findBindConflict(base, [{ ...other, address: '127.0.1.2' }]), undefined);
  assert.equal(findBindConflict({ ...base, loadbalancer_id: 'lb2' }, [other]), undefined, 'same load balancer is the port rule');
});
