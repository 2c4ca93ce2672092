// Rules for what a listener asks of the HTTP layer, so that no accepted setting goes unheeded:
// insert_headers only names elbow inserts (Octavia's, plus Huawei ELB's X-Real-IP,
// X-Forwarded-Host and X-Forwarded-ELB-IP), only "true"/"false", and the X-SSL-Client ones only
// where TLS is terminated (the catalog's appliesWhen keeps insert_headers and HSTS off listeners
// that do not speak HTTP); timeout_tcp_inspect only 0.

import { ElbowError } from '../../errors.js';
import { HTTP_LISTENER_PROTOCOLS, TLS_LISTENER_PROTOCOLS } from '../protocols.js';
import type { Listener } from '../types.js';

/** Headers elbow inserts on any HTTP listener (lower case). */
export const FORWARDING_INSERT_HEADERS = ['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-elb-ip'] as const;

/** Octavia's client certificate headers, on HTTPS/TERMINATED_HTTPS listeners (lower case). */
export const CLIENT_CERTIFICATE_INSERT_HEADERS = [
  'x-ssl-client-verify',
  'x-ssl-client-has-cert',
  'x-ssl-client-dn',
  'x-ssl-client-cn',
  'x-ssl-issuer',
  'x-ssl-client-sha1',
  'x-ssl-client-not-before',
  'x-ssl-client-not-after',
] as const;

const invalid = (field: string, detail: string) => new ElbowError('INVALID_BODY', { field, detail });

export function checkInsertHeaders(listener: Pick<Listener, 'protocol' | 'insert_headers'>): void {
  const entries = Object.entries(listener.insert_headers);
  if (entries.length === 0) return;
  const http = HTTP_LISTENER_PROTOCOLS[listener.protocol];
  const terminatesTls = http && TLS_LISTENER_PROTOCOLS[listener.protocol];
  for (const [name, value] of entries) {
    const field = `insert_headers.${name}`;
    if (!http) throw invalid(field, `insert_headers apply only to HTTP, HTTPS and TERMINATED_HTTPS listeners, not ${listener.protocol}`);
    const lower = name.toLowerCase();
    const certificateHeader = (CLIENT_CERTIFICATE_INSERT_HEADERS as readonly string[]).includes(lower);
    if (!certificateHeader && !(FORWARDING_INSERT_HEADERS as readonly string[]).includes(lower)) {
      throw invalid(field, `elbow inserts only ${[...FORWARDING_INSERT_HEADERS, ...CLIENT_CERTIFICATE_INSERT_HEADERS].join(', ')} (any letter case)`);
    }
    if (certificateHeader && !terminatesTls) throw invalid(field, `client certificate headers apply only to HTTPS and TERMINATED_HTTPS listeners, not ${listener.protocol}`);
    if (!/^(?:true|false)$/i.test(value)) throw invalid(field, `expected "true" or "false" (got ${JSON.stringify(value)})`);
  }
}

/** elbow reads no TCP content before forwarding, so there is nothing to wait for. */
export function checkTcpInspect(listener: Pick<Listener, 'timeout_tcp_inspect'>): void {
  if (listener.timeout_tcp_inspect !== 0) {
    throw new ElbowError('FIELD_NOT_SUPPORTED', { field: 'timeout_tcp_inspect', detail: 'elbow inspects no TCP content before forwarding; only 0 is accepted' });
  }
}
