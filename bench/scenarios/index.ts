// Every scenario, in the order they run and appear in the table.
import type { Scenario } from '../scenario.js';
import { configScale } from './config-scale.js';
import { h2, httpKeepAlive, httpNewConnection, httpsFullHandshakes, httpsKeepAlive, httpsNewConnection } from './http.js';
import { idleMemory } from './idle-memory.js';
import { multiNode } from './multi-node.js';
import { soak } from './soak.js';
import { tcpBulk, tcpConnections } from './tcp.js';
import { udp } from './udp.js';

export const SCENARIOS: readonly Scenario[] = [
  httpKeepAlive,
  httpNewConnection,
  httpsKeepAlive,
  httpsNewConnection,
  httpsFullHandshakes,
  h2,
  tcpBulk,
  tcpConnections,
  udp,
  configScale,
  multiNode,
  idleMemory,
  soak,
];
