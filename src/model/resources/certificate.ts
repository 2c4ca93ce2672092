// Certificates (Huawei ELB extension): a PEM chain, with its private key for server certificates
// (never shown), or a CA bundle for client certificates.

import { Type } from '@sinclair/typebox';
import { Enum, LABEL, Nullable, defineResource, descriptionField, nameField, output } from './field.js';

export const CERTIFICATE = defineResource({
  kind: 'certificate',
  title: 'certificate (Huawei ELB extension)',
  collectionPath: 'certificates',
  singular: 'certificate',
  plural: 'certificates',
  hasStatus: false,
  snapshotPart: 'listeners[].tls.defaultCertificate',
  cli: { description: 'certificates: PEM certificates and keys for TLS', alias: 'cert', columns: ['name', 'type', 'subject', 'expires_at'] },
  fields: {
    name: { ...nameField, ignored: LABEL },
    description: descriptionField,
    certificate: {
      schema: Type.String({ minLength: 1, maxLength: 65536 }),
      create: 'required',
      cli: { option: 'certificate-file', type: 'file' },
      doc: 'PEM certificate chain, leaf first',
      snapshot: { path: 'certificatePem', via: 'wherever a listener or pool refers to it' },
    },
    private_key: {
      schema: Nullable(Type.String({ maxLength: 65536 })),
      shown: false,
      defaultDoc: 'none (client certificates take none)',
      cli: { option: 'private-key-file', type: 'file' },
      doc: 'PEM private key of a server certificate; stored, never returned',
      snapshot: { path: 'privateKeyPem', via: 'wherever a listener or pool presents the certificate' },
    },
    type: {
      schema: Enum(['server', 'client'] as const),
      default: 'server',
      update: 'no',
      doc: 'server (with its private key) or client (a CA bundle that verifies peers)',
      ignored: 'a control-plane rule: listeners present server certificates, client certificates verify peers',
    },
    subject: output(Type.String(), "The leaf's subject"),
    subject_alt_names: output(Type.Array(Type.String()), "The leaf's subject alternative names"),
    not_before: output(Type.String(), 'Start of validity (ISO 8601)'),
    expires_at: output(Type.String(), 'End of validity (ISO 8601)'),
    fingerprint: output(Type.String(), "SHA-256 fingerprint of the leaf"),
  },
});
