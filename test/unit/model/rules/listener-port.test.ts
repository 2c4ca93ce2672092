import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPortConflict, findPortConflict, listenersConflict } from '../../../../src/model/rules/listener-port.js';
import { checkPort, isValidPort } from '../../../../src/model/rules/port-range.js';
import { LISTENER_PROTOCOLS } from '../../../../src/model/types.js';

test('ports are integers 1–65535', () => {
  for (const good of [1, 80, 65535]) assert.ok(isValidPort(good));
  for (const bad of [0, 65536, -1, 1.5, '80', null, Number.NaN]) assert.equal(isValidPort(bad), false, String(bad));
  assert.throws(() => checkPort('protocol_port', 0), { code: 'INVALID_PORT', status: 400, message: /protocol_port/ });
});

test('two listeners conflict iff same port and same transport (the spec: UDP shares ports with the rest)', () => {
  for (const a of LISTENER_PROTOCOLS) {
    for (const b of LISTENER_PROTOCOLS) {
      const sameFamily = (a === 'UDP') === (b === 'UDP');
      assert.equal(listenersConflict({ protocol: a, protocol_port: 80 }, { protocol: b, protocol_port: 80 }), sameFamily, `${a}/${b}`);
      assert.equal(listenersConflict({ protocol: a, protocol_port: 80 }, { protocol: b, protocol_port: 81 }), false, `${a}/${b}`);
    }
  }
});

test('findPortConflict ignores the listener itself (updates) and names the existing one', () => {
  const existing = [{ id: 'a', protocol: 'HTTP' as const, protocol_port: 443 }];
  assert.equal(findPortConflict({ id: 'a', protocol: 'TCP', protocol_port: 443 }, existing), undefined);
  assert.equal(findPortConflict({ protocol: 'TCP', protocol_port: 443 }, existing)?.id, 'a');
  assert.throws(() => checkPortConflict({ protocol: 'HTTPS', protocol_port: 443 }, existing), {
    code: 'LISTENER_PORT_CONFLICT',
    status: 409,
    message: 'Another listener on this load balancer (id a, HTTP:443) already uses TCP port 443',
  });
  assert.doesNotThrow(() => checkPortConflict({ protocol: 'UDP', protocol_port: 443 }, existing));
});
