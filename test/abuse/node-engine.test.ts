// The abuse suites against the built-in Node data plane.

import { after } from 'node:test';
import { nodeEngine } from '../helpers/abuse-engines.js';
import { createTestCa } from '../helpers/test-ca.js';
import { cancelledRequestsSuite } from './cancelled-requests.suite.js';
import { memorySuite } from './memory.suite.js';
import { streamFloodsSuite } from './stream-floods.suite.js';
import { tlsHandshakesSuite } from './tls-handshakes.suite.js';

const ca = createTestCa();
after(() => ca.close());

cancelledRequestsSuite(nodeEngine, ca);
streamFloodsSuite(nodeEngine, ca);
tlsHandshakesSuite(nodeEngine, ca);
memorySuite(nodeEngine, ca);
