// The abuse suites against the HAProxy engine, with the same expectations as the Node engine's.

import { after, describe } from 'node:test';
import { haproxyEngine } from '../helpers/abuse-engines.js';
import { haproxyMissing } from '../helpers/haproxy.js';
import { createTestCa } from '../helpers/test-ca.js';
import { cancelledRequestsSuite } from './cancelled-requests.suite.js';
import { memorySuite } from './memory.suite.js';
import { streamFloodsSuite } from './stream-floods.suite.js';
import { tlsHandshakesSuite } from './tls-handshakes.suite.js';

const ca = createTestCa();
after(() => ca.close());

describe('HAProxy engine under attack', { skip: haproxyMissing() }, () => {
  cancelledRequestsSuite(haproxyEngine, ca);
  streamFloodsSuite(haproxyEngine, ca);
  tlsHandshakesSuite(haproxyEngine, ca);
  memorySuite(haproxyEngine, ca);
});
