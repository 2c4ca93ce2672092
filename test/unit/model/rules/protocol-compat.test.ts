import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPoolProtocol, poolProtocolAllowed } from '../../../../src/model/rules/protocol-compat.js';
import { LISTENER_PROTOCOLS, POOL_PROTOCOLS } from '../../../../src/model/types.js';

// design.md §2, restated.
const ALLOWED = new Set(['TCP>TCP', 'TCP>PROXY', 'TCP>PROXYV2', 'UDP>UDP', 'HTTP>HTTP', 'HTTPS>HTTP', 'HTTPS>HTTPS', 'TERMINATED_HTTPS>HTTP', 'TERMINATED_HTTPS>HTTPS', 'SSL>TCP', 'SSL>PROXY', 'SSL>PROXYV2']);

test('every listener × pool protocol pair follows the table', () => {
  for (const listener of LISTENER_PROTOCOLS) {
    for (const pool of POOL_PROTOCOLS) {
      const allowed = ALLOWED.has(`${listener}>${pool}`);
      assert.equal(poolProtocolAllowed(listener, pool), allowed, `${listener}>${pool}`);
      if (allowed) assert.doesNotThrow(() => checkPoolProtocol(listener, pool));
      else assert.throws(() => checkPoolProtocol(listener, pool), { code: 'PROTOCOL_MISMATCH', status: 400, message: new RegExp(`Listener protocol ${listener} is not compatible with pool protocol ${pool}`) });
    }
  }
});
