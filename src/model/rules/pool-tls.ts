// What elbow can do with a pool's TLS settings: re-encrypt HTTP to members (HTTPS pools, or HTTP
// pools with tls_enabled) over HTTP/1.1. TCP-like and UDP pools forward bytes as they come, and
// no member is spoken to in HTTP/2, so those settings are refused rather than stored unheeded.

import { ElbowError } from '../../errors.js';
import type { Pool } from '../types.js';

export function checkPoolTlsSupported(pool: Pick<Pool, 'protocol' | 'tls_enabled' | 'alpn_protocols'>): void {
  if (pool.tls_enabled && pool.protocol !== 'HTTP' && pool.protocol !== 'HTTPS') {
    throw new ElbowError('FIELD_NOT_SUPPORTED', { field: 'tls_enabled', detail: `elbow re-encrypts only HTTP to members, not ${pool.protocol}` });
  }
  if (pool.alpn_protocols?.includes('h2')) {
    throw new ElbowError('FIELD_NOT_SUPPORTED', { field: 'alpn_protocols', detail: 'elbow speaks HTTP/1.1 to members; offer http/1.1 or http/1.0' });
  }
}
