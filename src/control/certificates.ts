// Certificates (Huawei extension): parse the PEM chain with node:crypto to show its metadata,
// and check that a server certificate's private key belongs to it. The key is never shown.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { ElbowError } from '../errors.js';
import type { Certificate } from '../model/types.js';

export type CertificateMetadata = Pick<Certificate, 'subject' | 'subject_alt_names' | 'not_before' | 'expires_at' | 'fingerprint'>;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
/** Revocation lists a client (CA) certificate may carry after its certificates. */
const CRL_BLOCK = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g;

const invalid = (detail: string) => new ElbowError('CERTIFICATE_INVALID', { detail });

/** The certificates of a PEM chain, leaf first. */
function parseChain(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_BLOCK);
  if (!blocks) throw invalid('certificate must hold at least one PEM "BEGIN CERTIFICATE" block');
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw invalid(`certificate #${index + 1} of the chain cannot be parsed (${(error as Error).message})`);
    }
  });
}

function parseKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw invalid(`private_key cannot be parsed (${(error as Error).message})`);
  }
}

/** `DNS:a.example, IP Address:127.0.0.1` → ['a.example', '127.0.0.1']. */
function subjectAltNames(certificate: X509Certificate): string[] {
  const text = certificate.subjectAltName;
  if (!text) return [];
  return text
    .split(/,\s*/)
    .map((entry) => entry.slice(entry.indexOf(':') + 1).trim())
    .filter((name) => name !== '');
}

function isoDate(text: string): string {
  return new Date(text).toISOString();
}

/**
 * Checks a certificate body and returns what the API shows about it. Server certificates need
 * their private key (and it must match the leaf); client certificates (CA bundles) take none.
 */
export function inspectCertificate(type: Certificate['type'], certificatePem: string, privateKeyPem: string | null): CertificateMetadata {
  const [leaf] = parseChain(certificatePem);
  if (!leaf) throw invalid('empty certificate chain');
  if (type === 'server') {
    if (!privateKeyPem) throw invalid('a server certificate needs its private_key');
    if (!leaf.checkPrivateKey(parseKey(privateKeyPem))) throw invalid('private_key does not belong to the certificate');
  } else if (privateKeyPem) {
    throw invalid('a client (CA) certificate takes no private_key');
  }
  for (const [index, block] of (certificatePem.match(CRL_BLOCK) ?? []).entries()) {
    try {
      createSecureContext({ crl: block });
    } catch (error) {
      throw invalid(`X509 CRL #${index + 1} cannot be parsed (${(error as Error).message})`);
    }
  }
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    subject_alt_names: subjectAltNames(leaf),
    not_before: isoDate(leaf.validFrom),
    expires_at: isoDate(leaf.validTo),
    fingerprint: leaf.fingerprint256,
  };
}

/**
 * A revocation list reference (client_crl_container_ref, crl_container_ref) names a client (CA)
 * certificate resource that carries X509 CRL blocks after its certificates.
 */
export function checkHoldsCrl(field: string, certificate: Pick<Certificate, 'id' | 'type' | 'certificate'>): void {
  if (certificate.type !== 'client' || !certificate.certificate.includes('-----BEGIN X509 CRL-----')) {
    throw new ElbowError('INVALID_BODY', { field, detail: `certificate ${certificate.id} holds no "BEGIN X509 CRL" block; a revocation list is a client (CA) certificate with its CRLs appended` });
  }
}
