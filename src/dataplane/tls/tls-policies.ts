// TLS versions and cipher suites of a listener: the tables live in the model (both engines read
// them); this module gives the data plane Node's types for them.

import type { SecureVersion } from 'node:tls';
import { NAMED_TLS_POLICIES as POLICIES, resolveTlsProtocol as resolve } from '../../model/tls-policies.js';

export interface TlsProtocolSettings {
  readonly minVersion: SecureVersion;
  readonly maxVersion: SecureVersion;
  /** OpenSSL cipher string (TLS 1.2 and below) plus TLS 1.3 suite names; undefined = Node's default. */
  readonly ciphers: string | undefined;
}

/** Huawei ELB's named security policies (`tls-1-0` … `tls-1-2-fs-with-1-3`). */
export const NAMED_TLS_POLICIES: Readonly<Record<string, TlsProtocolSettings>> = POLICIES;

export function resolveTlsProtocol(versions: readonly string[] | null, ciphers: string | null): TlsProtocolSettings {
  return resolve(versions, ciphers);
}
