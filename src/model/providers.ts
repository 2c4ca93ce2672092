// Octavia's providers, as elbow has them: elbow is the one provider; `octavia` and `amphora` are
// its aliases, because tools send them (`provider: octavia` is what Octavia itself calls its
// default, amphora its reference driver). A load balancer, flavor profile or availability zone
// profile naming any other provider is refused, as Octavia refuses a provider it has not enabled.

import { ElbowError } from '../errors.js';

export interface Provider {
  readonly name: string;
  readonly description: string;
}

export const PROVIDERS: readonly Provider[] = [
  { name: 'elbow', description: 'elbow: the load balancer itself (listeners served by the elbow nodes)' },
  { name: 'octavia', description: 'Alias of elbow, for tools that ask for the Octavia default provider' },
  { name: 'amphora', description: 'Alias of elbow, for tools that ask for the amphora provider (elbow runs no amphorae)' },
];

/** The provider named, or PROVIDER_NOT_ENABLED naming the field that named it. */
export function checkProvider(name: string, field = 'provider'): Provider {
  const provider = PROVIDERS.find((p) => p.name === name);
  if (provider === undefined) throw new ElbowError('PROVIDER_NOT_ENABLED', { provider: name, field });
  return provider;
}
