// Every lb_algorithm and the factory that implements it; adding an algorithm to the model fails
// to compile until it is here.

import type { LbAlgorithm } from '../../model/types.js';
import type { BalancerFactory } from './balancer.js';
import { createConsistentHashBalancer } from './consistent-hash.js';
import { createLeastConnectionsBalancer } from './least-connections.js';
import { createRoundRobinBalancer } from './round-robin.js';

export const BALANCERS = {
  ROUND_ROBIN: createRoundRobinBalancer,
  LEAST_CONNECTIONS: createLeastConnectionsBalancer,
  SOURCE_IP: () => createConsistentHashBalancer((client) => client.address),
  SOURCE_IP_PORT: () => createConsistentHashBalancer((client) => `${client.address}:${client.port}`),
} satisfies Record<LbAlgorithm, BalancerFactory>;
