// The abuse suites against the built-in Node data plane.

import { after } from 'node:test';
import { nodeEngine } from '../helpers/abuse-engines.js';
import { createTestCa } from '../helpers/test-ca.js';
import { cancelledRequestsSuite } from './cancelled-requests.suite.js';

const ca = createTestCa();
after(() => ca.close());

cancelledRequestsSuite(nodeEngine, ca);
