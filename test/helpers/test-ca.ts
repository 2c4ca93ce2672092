// A throwaway certificate authority for TLS tests, made with the openssl CLI in a temp dir:
// server certificates for given DNS names (and 127.0.0.1), and client certificates for mTLS.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnapshotTlsCertificate } from '../../src/snapshot/snapshot.js';

export interface IssuedCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** Files on disk, for curl/openssl command lines. */
  certFile: string;
  keyFile: string;
}

export interface TestCa {
  readonly dir: string;
  readonly caPem: string;
  readonly caFile: string;
  issueServer(names: readonly string[]): IssuedCertificate & { snapshot(id: string): SnapshotTlsCertificate };
  issueClient(commonName: string): IssuedCertificate;
  /** Revokes the given certificates (on top of those revoked before) and returns the CA's CRL (PEM). */
  revoke(...certificates: IssuedCertificate[]): string;
  close(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** Creates a CA; `name` only labels the subject (two CAs in one test stay distinguishable). */
export function createTestCa(name = 'elbow test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'elbow-ca-'));
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', 'ca.key', '-out', 'ca.pem']);
  let serial = 0;
  const issue = (subject: string, extensions: string): IssuedCertificate => {
    serial += 1;
    const base = `leaf${serial}`;
    writeFileSync(join(dir, `${base}.ext`), extensions);
    openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', subject, '-keyout', `${base}.key`, '-out', `${base}.csr`]);
    openssl(dir, ['x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial + 1000), '-days', '2', '-extfile', `${base}.ext`, '-out', `${base}.pem`]);
    const certFile = join(dir, `${base}.pem`);
    const keyFile = join(dir, `${base}.key`);
    return { certificatePem: readFileSync(certFile, 'utf8'), privateKeyPem: readFileSync(keyFile, 'utf8'), certFile, keyFile };
  };
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    caFile: join(dir, 'ca.pem'),
    issueServer(names) {
      const san = [...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
      const issued = issue(`/CN=${names[0] ?? 'localhost'}`, `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
      return {
        ...issued,
        snapshot: (id) => ({ id, certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem, names: [...names] }),
      };
    },
    issueClient(commonName) {
      return issue(`/CN=${commonName}/O=elbow tests`, 'extendedKeyUsage=clientAuth\n');
    },
    revoke(...certificates) {
      // `openssl ca` keeps revocations in index.txt; the certificates need not have been issued by it.
      writeFileSync(join(dir, 'ca.cnf'), '[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 2\n');
      if (!existsSync(join(dir, 'index.txt'))) {
        writeFileSync(join(dir, 'index.txt'), '');
        writeFileSync(join(dir, 'crlnumber'), '01\n');
      }
      for (const certificate of certificates) openssl(dir, ['ca', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-revoke', certificate.certFile]);
      openssl(dir, ['ca', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-gencrl', '-out', 'crl.pem']);
      return readFileSync(join(dir, 'crl.pem'), 'utf8');
    },
    close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
