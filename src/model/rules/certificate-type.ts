// A listener's server certificate references must point at server certificates (with a private
// key), and its client CA reference at a client (CA) certificate.

import { ElbowError } from '../../errors.js';
import type { Certificate } from '../types.js';

export function checkCertificateType(field: string, certificate: Pick<Certificate, 'id' | 'type'>, expected: Certificate['type']): void {
  if (certificate.type !== expected) {
    throw new ElbowError('CERTIFICATE_TYPE', { id: certificate.id, actual: certificate.type, field, expected });
  }
}
