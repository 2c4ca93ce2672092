// Property: whatever sequence of listener creates arrives, no two stored listeners of one load
// balancer share transport+port, and every create that was refused really conflicted.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { codeOf, controlPlaneFor } from './setup.js';

type Proto = 'TCP' | 'UDP' | 'HTTP';
const transport = (protocol: Proto) => (protocol === 'UDP' ? 'udp' : 'tcp');

test('port rule property: random create sequences never store two listeners on one transport+port', async (t) => {
  const { control, store } = await controlPlaneFor(t);
  const command = fc.record({ lb: fc.integer({ min: 0, max: 1 }), protocol: fc.constantFrom<Proto>('TCP', 'UDP', 'HTTP'), port: fc.constantFrom(80, 81, 443) });
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
      const lbs = [
        await control.create('loadbalancer', { vip_subnet_id: 's' }),
        await control.create('loadbalancer', { vip_subnet_id: 's' }),
      ];
      const accepted: { lb: number; protocol: Proto; port: number }[] = [];
      for (const c of commands) {
        const clash = accepted.some((a) => a.lb === c.lb && a.port === c.port && transport(a.protocol) === transport(c.protocol));
        const lbId = lbs[c.lb]?.id ?? '';
        if (clash) {
          assert.equal(await codeOf(() => control.create('listener', { loadbalancer_id: lbId, protocol: c.protocol, protocol_port: c.port })), 'LISTENER_PORT_CONFLICT');
        } else {
          await control.create('listener', { loadbalancer_id: lbId, protocol: c.protocol, protocol_port: c.port });
          accepted.push(c);
        }
      }
      for (const lb of lbs) {
        const stored = await store.list('listener', { filters: { loadbalancer_id: lb.id } });
        const keys = stored.map((l) => `${transport(l.protocol as Proto)}:${l.protocol_port}`);
        assert.equal(new Set(keys).size, keys.length);
        assert.equal(stored.length, accepted.filter((a) => lbs[a.lb]?.id === lb.id).length);
        await control.remove('loadbalancer', lb.id, { cascade: true });
      }
    }),
    { numRuns: 40 },
  );
});
