// TLS rules of a listener: SSL only on classic load balancers; TLS-terminating listeners need a
// server certificate; TLS settings make sense only on them.

import { ElbowError } from '../../errors.js';
import { TLS_LISTENER_PROTOCOLS } from '../protocols.js';
import type { Listener, ListenerProtocol, LoadBalancer } from '../types.js';

/** TLS versions and ALPN protocols Octavia accepts. */
export const TLS_VERSIONS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export const ALPN_PROTOCOLS = ['h2', 'http/1.1', 'http/1.0'] as const;

/** SSL listeners are a classic load balancer feature (spec table 1). */
export function checkSslAllowed(protocol: ListenerProtocol, loadbalancer: Pick<LoadBalancer, 'id' | 'type'>): void {
  if (protocol === 'SSL' && loadbalancer.type !== 'classic') {
    throw new ElbowError('SSL_REQUIRES_CLASSIC', { loadbalancer_id: loadbalancer.id, type: loadbalancer.type });
  }
}

export type ListenerTlsFields = Pick<
  Listener,
  | 'protocol'
  | 'default_tls_container_ref'
  | 'sni_container_refs'
  | 'client_ca_tls_container_ref'
  | 'client_authentication'
  | 'client_crl_container_ref'
  | 'tls_ciphers'
  | 'tls_versions'
  | 'alpn_protocols'
  | 'hsts_max_age'
  | 'hsts_include_subdomains'
  | 'hsts_preload'
>;

/** Fields that mean something only when the listener terminates TLS, and whether each is set. */
function setTlsFields(listener: ListenerTlsFields): string[] {
  const set: Record<string, boolean> = {
    default_tls_container_ref: listener.default_tls_container_ref !== null,
    sni_container_refs: listener.sni_container_refs.length > 0,
    client_ca_tls_container_ref: listener.client_ca_tls_container_ref !== null,
    client_authentication: listener.client_authentication !== 'NONE',
    client_crl_container_ref: listener.client_crl_container_ref !== null,
    tls_ciphers: listener.tls_ciphers !== null,
    tls_versions: listener.tls_versions !== null,
    alpn_protocols: listener.alpn_protocols !== null,
    hsts_max_age: listener.hsts_max_age !== null,
    hsts_include_subdomains: listener.hsts_include_subdomains,
    hsts_preload: listener.hsts_preload,
  };
  return Object.keys(set).filter((field) => set[field]);
}

/**
 * TLS_CERT_REQUIRED when a TLS-terminating listener has no default certificate;
 * TLS_NOT_ALLOWED when another listener carries TLS settings; INVALID_BODY for unknown TLS
 * versions / ALPN protocols and for client authentication without a CA.
 */
export function checkListenerTls(listener: ListenerTlsFields): void {
  if (!TLS_LISTENER_PROTOCOLS[listener.protocol]) {
    const [field] = setTlsFields(listener);
    if (field !== undefined) throw new ElbowError('TLS_NOT_ALLOWED', { field, protocol: listener.protocol });
    return;
  }
  if (listener.default_tls_container_ref === null) throw new ElbowError('TLS_CERT_REQUIRED', { protocol: listener.protocol });
  if (listener.client_authentication !== 'NONE' && listener.client_ca_tls_container_ref === null) {
    throw new ElbowError('INVALID_BODY', {
      field: 'client_ca_tls_container_ref',
      detail: `client_authentication ${listener.client_authentication} needs a client CA certificate`,
    });
  }
  if (listener.client_crl_container_ref !== null && listener.client_ca_tls_container_ref === null) {
    throw new ElbowError('INVALID_BODY', { field: 'client_crl_container_ref', detail: 'a revocation list needs client_ca_tls_container_ref' });
  }
  checkAllowedValues('tls_versions', listener.tls_versions, TLS_VERSIONS);
  checkAllowedValues('alpn_protocols', listener.alpn_protocols, ALPN_PROTOCOLS);
}

/** INVALID_BODY when a list holds a value outside `allowed` (used for pools' TLS settings too). */
export function checkAllowedValues(field: string, values: readonly string[] | null, allowed: readonly string[]): void {
  const bad = values?.find((value) => !allowed.includes(value));
  if (bad !== undefined) throw new ElbowError('INVALID_BODY', { field, detail: `${JSON.stringify(bad)} is not one of ${allowed.join(', ')}` });
}
